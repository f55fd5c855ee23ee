"""A failure hint teaches; it never gives the answer away.

"Hints teach: first the mistake, then where in the lesson to look; never the whole answer." A
learner who fails a check reads the hint; if it holds the solution's code, the exercise is
copied, not learnt. This test reads every source notebook without a kernel: for each exercise
(the answer cell between ``### BEGIN SOLUTION`` / ``### END SOLUTION`` and its ``exN-…`` test
cells, hidden tests included) it collects every text a failing check can show as a hint: the
``hint=`` argument of any check call (``backendlab.check.*``, ``sandbox.expect_*``,
``plans.check_*`` ...), the hint passed by position to ``backendlab.check.*``, and the message
of ``check.fail(...)``. Names are followed to what the cells assign to them (``KEEPALIVE_HINT``,
a dict of hints); f-strings and concatenations give their constant parts, each ``{...}`` kept
as a gap that no code can match.

The rule (whitespace collapsed, case kept):

- **a line**: no hint contains a whole line of the solution that is 25 characters or longer
  (a line of code, or a line of the SQL / shell / nginx text inside its strings);
- **most of a short answer**: no hint contains a stretch of 12 characters or more that is 60%
  or more of a piece of the solution — the whole solution, or one of its string literals (an
  SQL statement, a shell command, an nginx block). A one-line answer quoted whole is the answer.

Naming the idea stays allowed: ``wait PID``, ``ORDER BY … id``, ``Vary: Accept-Encoding`` are
fragments, far under either limit.
"""

import ast
import difflib
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "source").glob("*/*.ipynb"))

LINE_LIMIT = 25  # a solution line this long, quoted whole, is code to copy
SHARE_LIMIT = 0.6  # this share of a piece of the solution, quoted in one stretch, is the answer
SHORTEST_STRETCH = 12  # below this a quoted stretch is a keyword or a name, not an answer
GAP = "\x00"  # stands for an f-string's {...}: matches no code

# The check functions whose hint may come by position: {name: index of the hint argument}.
POSITIONAL_HINT = {"fail": 1, "answered": 2, "that": 2, "equal": 3, "same_rows": 3}

# Hints allowed to repeat a fragment of the solution, each with its reason:
# {(notebook stem, exercise): [the repeated text, normalised]}. Keep it short.
ALLOWED: dict[tuple[str, str], list[str]] = {}


@dataclass(frozen=True)
class Exercise:
    """One exercise: its solution text and the hints its test cells can show."""

    notebook: str
    name: str
    solution: str
    hints: list[str]


def normalise(text: str) -> str:
    """Whitespace collapsed, case kept: a hint and a solution compare as the learner reads them."""
    return " ".join(text.split())


def solution_of(source: str) -> str:
    """The text between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` ('' when none)."""
    found = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", source, re.S)
    return found.group(1) if found else ""


def without_comments(code: str) -> str:
    """Python code without its comments (a comment is no answer); the text itself if not Python."""
    try:
        tokens = [token for token in tokenize.generate_tokens(io.StringIO(code).readline)
                  if token.type != tokenize.COMMENT]
        return tokenize.untokenize(tokens)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return code


def string_literals(code: str) -> list[str]:
    """The strings in the solution: its SQL, shell and nginx text (f-strings: constant parts; no
    docstrings)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)  # prose, not the answer
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}
    found = []
    for node in ast.walk(tree):
        if id(node) in docstrings:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            found.append(GAP.join(part.value for part in node.values if isinstance(part, ast.Constant)))
    return found


class HintTexts:
    """Turns a hint expression into the texts it can show, following names to their values."""

    def __init__(self, trees: list[ast.AST]) -> None:
        self.values: dict[str, list[ast.expr]] = {}
        functions = {node.name: [argument.arg for argument in node.args.args]
                     for tree in trees for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) in functions:
                    # A helper's parameter (def check_audit(expected, what, hint)) is what its calls pass.
                    parameters = functions[node.func.id]
                    for parameter, argument in zip(parameters, node.args):
                        self.values.setdefault(parameter, []).append(argument)
                    for keyword in node.keywords:
                        if keyword.arg in parameters:
                            self.values.setdefault(keyword.arg, []).append(keyword.value)
                if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        if isinstance(target, ast.Name):
                            self.values.setdefault(target.id, []).append(node.value)

    def texts(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> list[str]:
        """Every text the expression can evaluate to, with {...} as gaps."""
        if isinstance(node, ast.Constant):
            return [node.value] if isinstance(node.value, str) else []
        if isinstance(node, ast.JoinedStr):
            return [GAP.join(part.value if isinstance(part, ast.Constant) else "" for part in node.values)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            lefts, rights = self.texts(node.left, seen), self.texts(node.right, seen)
            if lefts and rights:
                return [left + right for left in lefts for right in rights][:50]
            return lefts + rights
        if isinstance(node, ast.Name):
            if node.id in seen:
                return []
            return [text for value in self.values.get(node.id, [])
                    for text in self.texts(value, seen | {node.id})]
        if isinstance(node, ast.IfExp):
            return self.texts(node.body, seen) + self.texts(node.orelse, seen)
        if isinstance(node, ast.Subscript):
            return self.texts(node.value, seen)
        if isinstance(node, ast.Dict):
            return [text for value in node.values for text in self.texts(value, seen)]
        if isinstance(node, (ast.Call, ast.GeneratorExp, ast.ListComp, ast.Tuple, ast.List, ast.BoolOp)):
            return [text for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)
                    for text in self.texts(child, seen)]
        return []


def hint_expressions(tree: ast.AST) -> list[ast.expr]:
    """The expressions a failing check shows as its hint (and check.fail's message)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        found += [keyword.value for keyword in node.keywords if keyword.arg == "hint"]
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        is_check = "check" in ast.unparse(node.func)
        if is_check and name in POSITIONAL_HINT and len(node.args) > POSITIONAL_HINT[name]:
            found.append(node.args[POSITIONAL_HINT[name]])
        if is_check and name == "fail" and node.args:
            found.append(node.args[0])
    return found


def exercises(path: Path) -> list[Exercise]:
    """The notebook's exercises with a code solution, each with every hint its tests can show."""
    cells = nbformat.read(path, 4).cells
    trees = {}
    for number, cell in enumerate(cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "") or f"cell {number}"
        if cell.cell_type == "code":
            try:
                trees[grade_id] = ast.parse(cell.source)
            except SyntaxError:
                continue  # a %%sql cell: no check calls in it
    found = []
    for cell in cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        solution = solution_of(cell.source)
        if cell.cell_type != "code" or not grade_id.endswith("-answer") or not solution.strip():
            continue
        name = grade_id.removesuffix("-answer")
        tests = [tree for test_id, tree in trees.items()
                 if test_id.startswith(name + "-") and test_id != grade_id]
        texts = HintTexts(tests + list(trees.values()))
        hints = {text for tree in tests for expression in hint_expressions(tree)
                 for text in texts.texts(expression)}
        found.append(Exercise(path.stem, name, solution, sorted(hints)))
    return found


def solution_lines(solution: str) -> set[str]:
    """The solution's lines and the lines of the text in its strings, normalised."""
    lines = set(without_comments(solution).splitlines())
    for literal in string_literals(solution):
        lines |= set(literal.splitlines())
    return {normalise(line) for line in lines} - {""}


def solution_pieces(solution: str) -> set[str]:
    """The pieces a hint must not mostly quote: the whole solution and each of its strings."""
    pieces = {normalise(without_comments(solution))} | {normalise(text) for text in string_literals(solution)}
    return {piece for piece in pieces if len(piece) >= SHORTEST_STRETCH}


def give_aways(exercise: Exercise) -> list[tuple[str, str]]:
    """(hint, the solution text it repeats) for every hint that gives the answer away."""
    allowed = ALLOWED.get((exercise.notebook, exercise.name), [])
    lines = {line for line in solution_lines(exercise.solution) if len(line) >= LINE_LIMIT}
    pieces = solution_pieces(exercise.solution)
    found = []
    for hint in exercise.hints:
        text = normalise(hint)
        repeated = [line for line in lines if line in text]
        for piece in pieces:
            match = difflib.SequenceMatcher(None, text, piece, autojunk=False).find_longest_match(
                0, len(text), 0, len(piece))
            stretch = piece[match.b:match.b + match.size]
            if match.size >= max(SHORTEST_STRETCH, SHARE_LIMIT * len(piece)):
                repeated.append(stretch)
        repeated = [text for text in repeated if not any(text in fragment for fragment in allowed)]
        if repeated:
            found.append((hint.replace(GAP, "{…}"), max(repeated, key=len)))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: str(path.relative_to(ROOT / "source")))
def test_no_hint_gives_the_answer_away(path: Path) -> None:
    problems = [f"{path.relative_to(ROOT)} {exercise.name}: the hint\n    {hint!r}\n"
                f"  repeats the solution's\n    {repeated!r}"
                for exercise in exercises(path) for hint, repeated in give_aways(exercise)]
    assert not problems, ("a failure hint gives the answer away (teach the mistake and name the "
                          "lesson's section instead):\n" + "\n".join(problems))


SQL = 'recent = """\nSELECT id FROM orders WHERE customer_id = :customer_id\nORDER BY created_at DESC, id DESC\n"""\n'


@pytest.mark.parametrize("solution, hint", [
    (SQL, "SELECT id FROM orders WHERE customer_id = :customer_id ORDER BY created_at DESC, id DESC"),
    (SQL, "filter with SELECT id FROM orders WHERE customer_id = :customer_id, then sort"),  # most of it
    (SQL, "sort with `ORDER BY created_at DESC, id DESC`"),  # a whole line of it
    ("script = r'wait \"$sleeper\"'\n", 'end with wait "$sleeper"'),  # a one-line answer, whole
    ("return now - delta * beta * math.log(rand) >= expiry\n", "now - delta * beta * math.log(rand)"),
])
def test_the_rule_catches_a_give_away(solution: str, hint: str) -> None:
    assert give_aways(Exercise("notebook", "ex1", solution, [hint]))


@pytest.mark.parametrize("solution, hint", [
    (SQL, "ties need a tie-break: `ORDER BY … id` (see 'Keyset pagination')"),
    (SQL, "compare customer_id with =, as 'The leftmost prefix' shows"),
    ("script = r'wait \"$sleeper\"'\n", "stop with `kill`, then `wait PID` (see 'Signals')"),
    ("return now - delta * beta * math.log(rand) >= expiry\n", "math.log is the natural logarithm"),
    ('key = f"{prefix}views:{page}"\n', f"is the key exactly {GAP}views:{GAP}?"),  # an f-string's gaps
])
def test_the_rule_lets_a_hint_name_the_idea(solution: str, hint: str) -> None:
    assert not give_aways(Exercise("notebook", "ex1", solution, [hint]))
