"""profiles.toml is strict (QA round hqa3): a key it does not know is an error naming the file, the table and
the key, with the keys expected. A misspelt ``mode`` (``mdoe = "read-only"``) was dropped silently, and the
profile meant to be read-only was open."""

from __future__ import annotations

from pathlib import Path

import pytest

from supersim_tui.profiles import ProfileError, load_profiles

GOOD = '[profiles.prod]\nauth = "auth_token"\nidentity = "AC00000000000000000000000000000001"\n'


def test_a_misspelt_key_in_a_profile_is_an_error_naming_it(tmp_path: Path) -> None:
    """``mdoe`` in [profiles.prod]: the error names the file, [profiles.prod], 'mdoe' and the valid keys."""
    path = tmp_path / "profiles.toml"
    path.write_text(GOOD + 'mdoe = "read-only"\n')
    with pytest.raises(ProfileError) as caught:
        load_profiles(path)
    message = str(caught.value)
    assert str(path) in message and "[profiles.prod]" in message and "'mdoe'" in message
    assert "mode" in message.split("'mdoe'", 1)[1]


def test_a_misspelt_top_level_key_is_an_error(tmp_path: Path) -> None:
    """``defualt = "prod"`` is named too (the default profile would silently not be the one meant)."""
    path = tmp_path / "profiles.toml"
    path.write_text('defualt = "prod"\n' + GOOD)
    with pytest.raises(ProfileError, match="'defualt'"):
        load_profiles(path)


def test_a_correct_file_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text('default = "prod"\n' + GOOD + 'mode = "read-only"\n')
    assert load_profiles(path).profiles["prod"].mode == "read-only"
