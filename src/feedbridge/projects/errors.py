from feedbridge.errors import Conflict, NotFound


class ProjectNameTaken(Conflict):
    def __init__(self, name: str) -> None:
        super().__init__(f"a project named '{name}' already exists in this company; choose another name.")


class ProjectNotFound(NotFound):
    def __init__(self, project_id: int) -> None:
        super().__init__(f"project {project_id} does not exist in this company.")
