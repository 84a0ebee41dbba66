import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the admin account with a generated password and print the "
        "password once. Does nothing when the account exists, unless --reset "
        "is given, which sets and prints a new password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Give the existing account a new generated password.",
        )

    def handle(self, *, username, reset, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None and not reset:
            self.stdout.write(
                f"Admin account “{username}” exists; its password is unchanged. "
                "Run `python manage.py ensure_admin --reset` for a new one."
            )
            return

        password = secrets.token_urlsafe(12)
        if user is None:
            User.objects.create_superuser(username=username, password=password)
            action = "Created admin account"
        else:
            user.set_password(password)
            user.is_active = user.is_staff = user.is_superuser = True
            user.save()
            action = "Set a new password for admin account"

        self.stdout.write(self.style.SUCCESS(f"{action} “{username}”."))
        self.stdout.write(f"  user name: {username}")
        self.stdout.write(f"  password:  {password}")
        self.stdout.write("This password is shown only now; keep it.")
