"""``python -m screener.contract --write``."""

from screener.contract.publish import main

raise SystemExit(main())
