import pytest
import typer

from cerulean.cli.repository_actions import grants_from, scope_map_actions


def test_groups_keep_their_order_and_drop_repeats() -> None:
    args = ["--repository", "a", "content/read", "content/read", "--repository", "b/*", "content/write"]
    grants = grants_from(args, ["--repository"])["--repository"]
    assert grants == [("a", ("content/read",)), ("b/*", ("content/write",))]
    assert scope_map_actions(grants) == ["repositories/a/content/read", "repositories/b/*/content/write"]


def test_two_flags_are_told_apart() -> None:
    found = grants_from(
        ["--add-repository", "x", "metadata/read", "--remove-repository", "y", "content/delete"],
        ["--add-repository", "--remove-repository"],
    )
    assert found == {"--add-repository": [("x", ("metadata/read",))],
                     "--remove-repository": [("y", ("content/delete",))]}  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stray"], "unrecognized argument 'stray'"),
        (["--repository", "a", "content/read", "--scop-map", "m"], "unrecognized argument '--scop-map'"),
        (["--repository", "a"], "REPOSITORY ACTION"),
        (["--repository", "a", "pull"], "unknown action 'pull'"),
    ],
)
def test_anything_outside_a_group_or_vocabulary_is_refused(args: list[str], message: str) -> None:
    with pytest.raises(typer.BadParameter, match=message):
        grants_from(args, ["--repository"])
