"""Allow ``python -m tuireader``."""

from tuireader.launch import main

if __name__ == "__main__":
    main()
