from feedbridge.errors import Conflict, InvalidInput, NotFound


class InvalidEmail(InvalidInput):
    def __init__(self, message: str) -> None:
        super().__init__("email", message)


class WeakPassword(InvalidInput):
    def __init__(self, message: str) -> None:
        super().__init__("password", message)


class InvalidSlug(InvalidInput):
    def __init__(self, message: str) -> None:
        super().__init__("slug", message)


class EmailTaken(Conflict):
    def __init__(self, email: str) -> None:
        super().__init__(f"a user with e-mail {email} already exists; sign in or use another address.")


class SlugTaken(Conflict):
    def __init__(self, slug: str) -> None:
        super().__init__(f"a company with slug '{slug}' already exists; choose another slug.")


class CompanyNotFound(NotFound):
    def __init__(self, company_id: int) -> None:
        super().__init__(f"company {company_id} does not exist.")
