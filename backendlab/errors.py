"""The one exception type a learner sees from backendlab.

Every message says what happened and what to do next, because the person reading it is
usually in the middle of a notebook, not reading our source code.
"""


class CourseError(RuntimeError):
    """A problem the learner (or instructor) can fix; the message says how."""

    def __init__(self, what_happened: str, how_to_fix: str) -> None:
        self.what_happened = what_happened
        self.how_to_fix = how_to_fix
        super().__init__(f"{what_happened}\n\nHow to fix it: {how_to_fix}")
