"""API profiles read from [tool.api-bdd]: choices, defaults, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from client.profiles import NoAuth, ProfileError, load_profiles, run_arguments

EXAMPLES = "api-bdd.examples.toml"


def write(tmp_path: Path, text: str, name: str = "pyproject.toml") -> Path:
    (tmp_path / name).write_text(text)
    return tmp_path


def test_the_examples_profiles_file_is_read_and_the_teams_default_wins(tmp_path: Path) -> None:
    write(tmp_path, 'default = "shop"\n[profiles.shop]\nbase_url = "embedded:shop"\n', EXAMPLES)
    assert load_profiles(tmp_path).default == "shop"
    write(tmp_path, '[profiles.billing]\nbase_url = "http://127.0.0.1:9"\n', "api-bdd.toml")
    assert load_profiles(tmp_path).default == "shop"  # no default of its own: the examples'
    write(
        tmp_path,
        'default = "billing"\n[profiles.billing]\nbase_url = "http://127.0.0.1:9"\n',
        "api-bdd.toml",
    )
    profiles = load_profiles(tmp_path)
    assert (profiles.default, sorted(profiles.profiles)) == ("billing", ["billing", "shop"])
    assert profiles.get("shop").table == f"[profiles.shop] in {EXAMPLES}"


def test_a_profile_in_both_the_teams_file_and_the_examples_file_is_one_error(
    tmp_path: Path,
) -> None:
    write(tmp_path, '[profiles.shop]\nbase_url = "embedded:shop"\n', EXAMPLES)
    write(tmp_path, '[profiles.shop]\nbase_url = "http://127.0.0.1:9"\n', "api-bdd.toml")
    with pytest.raises(ProfileError, match=f"both api-bdd.toml .* and {EXAMPLES}"):
        load_profiles(tmp_path)


def test_a_profile_without_auth_needs_none(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        '[tool.api-bdd.profiles.echo]\nbase_url = "http://127.0.0.1:8080/"\nfeatures = ["f"]\n',
    )
    profile = load_profiles(root).get(None)
    assert profile.base_url == "http://127.0.0.1:8080"
    assert isinstance(profile.auth, NoAuth)
    assert profile.secret_variables() == []


def test_the_first_profile_of_api_bdd_toml_is_the_default_when_none_is_named(
    tmp_path: Path,
) -> None:
    write(tmp_path, '[tool.api-bdd.profiles.a]\nbase_url = "http://127.0.0.1:1"\n')
    write(tmp_path, '[profiles.b]\nbase_url = "http://127.0.0.1:2"\n', "api-bdd.toml")
    assert load_profiles(tmp_path).get(None).name == "b"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[tool.api-bdd.profiles.x]\nbase_url = "htp://x"\n',
            "pyproject.toml: [tool.api-bdd.profiles.x] base_url: Value error, must be"
            " http(s)://host[:port][/path] or embedded:NAME",
        ),
        (
            '[tool.api-bdd.profiles.x]\nbase_url = "http://h"\nauth = { scheme = "kerberos" }\n',
            "pyproject.toml: [tool.api-bdd.profiles.x] auth: Input tag 'kerberos' found using"
            " 'scheme' does not match any of the expected tags: 'none', 'bearer', 'basic',"
            " 'api-key', 'oauth2-password', 'oauth2-client-credentials'",
        ),
        (
            '[tool.api-bdd.profiles.x]\nbase_url = "http://h"\ntimeout = -1\n',
            "pyproject.toml: [tool.api-bdd.profiles.x] timeout: Input should be greater than 0",
        ),
        (
            '[tool.api-bdd]\ndefault = "y"\n[tool.api-bdd.profiles.x]\nbase_url = "http://h"\n',
            "pyproject.toml: [tool.api-bdd] default = 'y' is not a profile",
        ),
        (
            '[tool.api-bdd.profiles.x]\nbase_url = "http://h"\npassword = "hunter22"\n',
            "pyproject.toml: [tool.api-bdd.profiles.x] password: Extra inputs are not permitted",
        ),
    ],
)
def test_a_wrong_profile_is_one_line_naming_it(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profiles(write(tmp_path, text))
    assert str(caught.value) == message
    assert "hunter22" not in str(caught.value)


def test_an_unknown_profile_lists_the_known_ones(tmp_path: Path) -> None:
    root = write(tmp_path, '[tool.api-bdd.profiles.a]\nbase_url = "http://h"\n')
    with pytest.raises(ProfileError, match=r"no API profile 'b' in pyproject.toml \(profiles: a\)"):
        load_profiles(root).get("b")


def test_the_profile_owning_a_path_is_found(tmp_path: Path) -> None:
    (tmp_path / "features" / "a").mkdir(parents=True)
    root = write(
        tmp_path,
        '[tool.api-bdd.profiles.a]\nbase_url = "http://h"\nfeatures = ["features/a"]\n'
        '[tool.api-bdd.profiles.b]\nbase_url = "http://h"\nfeatures = ["features/b"]\n',
    )
    profiles = load_profiles(root)
    assert profiles.owner_of(root / "features" / "a" / "x.feature", root) == ["a"]
    assert profiles.owner_of(root / "features", root) == []


def test_profiles_of_api_bdd_toml_and_pyproject_toml_are_all_available(tmp_path: Path) -> None:
    write(tmp_path, '[tool.api-bdd.profiles.a]\nbase_url = "http://127.0.0.1:1"\n')
    write(tmp_path, '[profiles.b]\nbase_url = "http://127.0.0.1:2"\n', "api-bdd.toml")
    profiles = load_profiles(tmp_path)
    assert sorted(profiles.profiles) == ["a", "b"]
    assert profiles.get("a").base_url == "http://127.0.0.1:1"


def test_a_default_named_in_pyproject_toml_may_be_a_profile_of_api_bdd_toml(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        '[tool.api-bdd]\ndefault = "b"\n[tool.api-bdd.profiles.a]\nbase_url = "http://h"\n',
    )
    write(tmp_path, '[profiles.b]\nbase_url = "http://127.0.0.1:2"\n', "api-bdd.toml")
    assert load_profiles(tmp_path).get(None).name == "b"


def test_a_profile_defined_in_both_files_is_one_line_naming_both(tmp_path: Path) -> None:
    write(tmp_path, '[tool.api-bdd.profiles.a]\nbase_url = "http://127.0.0.1:1"\n')
    write(tmp_path, '[profiles.a]\nbase_url = "http://127.0.0.1:2"\n', "api-bdd.toml")
    with pytest.raises(ProfileError) as caught:
        load_profiles(tmp_path)
    assert str(caught.value) == (
        "profile 'a' is defined in both api-bdd.toml ([profiles.a]) and pyproject.toml"
        " ([tool.api-bdd.profiles.a]): keep one of them"
    )


def test_make_features_runs_every_profile_the_default_first_each_with_its_living_docs(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        'default = "billing"\n[profiles.shop]\nbase_url = "embedded:shop"\n'
        '[profiles.billing]\nbase_url = "http://127.0.0.1:9"\n',
        "api-bdd.toml",
    )
    assert run_arguments(load_profiles(tmp_path)) == [
        "--api billing",
        "--api shop --living-docs reports/shop/living-docs.html",
    ]
