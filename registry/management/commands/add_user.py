"""Create a login from the command line: one role, with the town or department it belongs to."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from registry.choices import Role
from registry.models import Department, Town, User


class Command(BaseCommand):
    help = _(
        "创建登录账号：python manage.py add_user 用户名 --role 角色 [--town 镇（街道）] [--department 单位] "
        "--password 密码"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help=_("用户名"))
        parser.add_argument("--role", help=_("角色：%(roles)s") % {"roles": ", ".join(Role.values)})
        parser.add_argument("--town", help=_("镇（街道）安办所属镇（街道）：名称、简称或区划代码，如 青阳街道、青阳、350582001"))
        parser.add_argument("--department", help=_("市有关单位用户所属单位名称，如 住建局"))
        parser.add_argument("--password", help=_("密码（保存时按 Django 的方式加密）"))

    def handle(self, *args, username, role, town, department, password, **options):
        user = User(username=username.strip(), role=self.role(role))
        user.town = self.town(user.role, town)
        user.department = self.department(user.role, department)
        self.check_username(user.username)
        self.check_password(user, password)
        user.set_password(password)
        with transaction.atomic():
            user.save()
        scope = user.town or user.department
        self.stdout.write(
            _("已创建用户 %(username)s（%(role)s%(scope)s）。")
            % {"username": user.username, "role": user.get_role_display(), "scope": f" · {scope}" if scope else ""}
        )

    def role(self, value):
        if value not in Role.values:
            choices = "；".join(f"{role.value}（{role.label}）" for role in Role)
            if not value:
                raise CommandError(_("请用 --role 指定角色：%(choices)s。") % {"choices": choices})
            raise CommandError(_("未知角色“%(value)s”。可用角色：%(choices)s。") % {"value": value, "choices": choices})
        return value

    def town(self, role, value):
        if role != Role.TOWN_CLERK:
            if value:
                raise CommandError(
                    _("角色“%(role)s”不属于某个镇（街道），请去掉 --town。") % {"role": Role(role).label}
                )
            return None
        if not value:
            raise CommandError(_("镇（街道）安办用户必须用 --town 指定所属镇（街道）。"))
        town = Town.objects.resolve(value)
        if town is None:
            names = "、".join(Town.objects.values_list("short_name", flat=True))
            raise CommandError(_("未找到镇（街道）“%(value)s”。可用：%(names)s。") % {"value": value, "names": names})
        return town

    def department(self, role, value):
        if role != Role.DEPARTMENT:
            if value:
                raise CommandError(
                    _("角色“%(role)s”不属于市有关单位，请去掉 --department。") % {"role": Role(role).label}
                )
            return None
        if not value:
            raise CommandError(_("市有关单位用户必须用 --department 指定所属单位。"))
        department = Department.objects.filter(name=value.strip()).first()
        if department is None:
            names = "、".join(Department.objects.values_list("name", flat=True))
            raise CommandError(
                _("未找到单位“%(value)s”。可用：%(names)s。") % {"value": value, "names": names}
            )
        return department

    def check_username(self, username):
        if not username:
            raise CommandError(_("用户名不能为空。"))
        try:
            User._meta.get_field("username").run_validators(username)
        except ValidationError as error:
            raise CommandError(
                _("用户名“%(username)s”不可用：%(error)s") % {"username": username, "error": " ".join(error.messages)}
            ) from error
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(_("用户名“%(username)s”已被使用。") % {"username": username})

    def check_password(self, user, password):
        if not password:
            raise CommandError(_("请用 --password 指定密码。"))
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(_("密码不符合要求：%(errors)s") % {"errors": " ".join(error.messages)}) from error
