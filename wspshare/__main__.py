import sys

from wspshare.cli import main

sys.exit(main())
