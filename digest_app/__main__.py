"""``python -m digest_app`` is the same as the ``digest-app`` command."""

from digest_app.cli.main import main

raise SystemExit(main())
