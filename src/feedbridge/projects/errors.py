from feedbridge.errors import Conflict, NotFound


class ProjectNameTaken(Conflict):
    def __init__(self, name: str) -> None:
        super().__init__(f"a project named '{name}' already exists in this company; choose another name.")


class ProjectNotFound(NotFound):
    def __init__(self, project: int | str) -> None:
        name = f"project {project}" if isinstance(project, int) else f"project '{project}'"
        super().__init__(f"{name} does not exist in this company; `feedbridge projects list` shows them.")
