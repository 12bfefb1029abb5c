"""django.contrib.admin, with the portal's admin site (ipcity.admin_site) as the default one that every
`admin.site.register` and `@admin.register` in the apps fill."""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "ipcity.admin_site.PortalAdminSite"
