from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path

from entas.accounts.login_forms import AdminLoginForm, LoginForm
from entas.regions import views as region_views
from entas.sharing import dci_views as sharing_views

# The admin's own login page says when an account is locked, like the site's.
admin.site.login_form = AdminLoginForm


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page links: send them to the SVG icon (a
    temporary redirect, because the static file's name changes with its content)."""
    return HttpResponseRedirect(static("favicon.svg"))


urlpatterns = [
    path("", region_views.home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/", include("entas.accounts.urls")),
    path("regions/", include("entas.regions.urls")),
    path("registry/", include("entas.registry.urls")),
    path("enterprises/", include("entas.enterprises.urls")),
    path("imports/", include("entas.ingest.urls")),
    path("programmes/", include("entas.programmes.urls")),
    # Enrolled families (graduation) keep the /programmes/ addresses they always had.
    path("programmes/", include("entas.graduation.urls")),
    path("programmes/", include("entas.impact.urls")),
    path("partnerships/", include("entas.partnerships.urls")),
    path("linkage/", include("entas.linkage.urls")),
    path("my-cooperative/", include("entas.graduation.cooperative_urls")),
    path("dashboard/", include("entas.monitoring.urls")),
    path("api/", include("entas.api.urls")),
    path("dci/", include("entas.sharing.dci_urls")),
    path("sharing/", include("entas.sharing.urls")),
    path("field/", include("entas.field.urls")),
    path(".well-known/jwks.json", sharing_views.jwks, name="jwks"),
    path("admin/", admin.site.urls),
]
