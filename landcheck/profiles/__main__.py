"""``python -m landcheck.profiles``: make the built-in profiles' snapshots again after an edit."""

from landcheck.io.profile_snapshot import make_snapshots

for written in make_snapshots():
    print(written)
