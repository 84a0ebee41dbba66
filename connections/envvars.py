"""Environment variables defined in the dashboard, as the run engine reads them."""

from dataclasses import dataclass, field

from clients.crypto import SecretUnreadable
from connections.models import EnvironmentVariable
from connections.placeholders import (
    PlaceholderError,
    UndefinedVariable,
    environment_names,
)


@dataclass
class Environment:
    """The values of the environment variables that one run uses."""

    values: dict = field(default_factory=dict)
    # Values of secret variables, masked in request logs and error texts.
    secrets: list = field(default_factory=list)


def load_environment(*templates):
    """Load every environment variable that the templates use.

    `templates` are JSON values or strings that may contain `${NAME}`.
    Raises UndefinedVariable naming all the variables that are not defined,
    PlaceholderSyntaxError when a template is malformed, and PlaceholderError
    when a stored value cannot be decrypted.
    """
    names = set()
    for template in templates:
        names |= environment_names(template)
    if not names:
        return Environment()

    found = {
        variable.name: variable
        for variable in EnvironmentVariable.objects.filter(name__in=names)
    }
    missing = names - found.keys()
    if missing:
        raise UndefinedVariable(missing)

    environment = Environment()
    for name, variable in found.items():
        try:
            value = variable.get_value()
        except SecretUnreadable as error:
            raise PlaceholderError(
                f"Environment variable {variable.placeholder}: {error}"
            ) from error
        environment.values[name] = value
        if variable.secret and value:
            environment.secrets.append(value)
    return environment
