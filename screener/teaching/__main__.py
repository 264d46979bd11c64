"""``python -m screener.teaching --write-docs | --check-docs``."""

from screener.teaching.docs import main

raise SystemExit(main())
