"""Schema migrations, one module each: mNNN_name.py exposing migrate(db). See crawler/storage/db.py."""
