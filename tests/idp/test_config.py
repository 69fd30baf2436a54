import pytest

from idp.config import ConfigError, load_settings, reference_markdown


def test_defaults_are_usable_for_development():
    s = load_settings({})
    assert s.env == "development" and s.issuer.startswith("http://")
    assert "SECRET_KEY" in s.generated


def test_environment_variables_are_typed():
    s = load_settings({"IDP_SESSION_LIFETIME": "60", "IDP_TRUSTED_PROXIES": "1", "IDP_DEFAULT_LOCALE": "ru"})
    assert s.session_lifetime == 60 and s.trusted_proxies == 1 and s.default_locale == "ru"


@pytest.mark.parametrize("env,message", [
    ({"IDP_SESSION_LIFETIME": "soon"}, "IDP_SESSION_LIFETIME"),
    ({"IDP_ISSUER": "id.gov.uz"}, "IDP_ISSUER"),
    ({"IDP_ISSUER": "https://id.gov.uz/"}, "slash"),
    ({"IDP_DEFAULT_LOCALE": "de"}, "IDP_DEFAULT_LOCALE"),
    ({"IDP_ENV": "staging"}, "IDP_ENV"),
    ({"IDP_CODE_LIFETIME": "3600"}, "600"),
])
def test_bad_values_are_refused_with_the_variable_named(env, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(env)


def test_production_refuses_every_dev_default():
    with pytest.raises(ConfigError) as err:
        load_settings({"IDP_ENV": "production"})
    text = str(err.value)
    for name in ("IDP_SECRET_KEY", "IDP_KEY_ENCRYPTION_KEY", "IDP_PAIRWISE_SALT", "https", "PostgreSQL",
                 "IDP_REGISTRY_URL", "IDP_SMTP_URL"):
        assert name in text


def test_production_accepts_a_complete_configuration():
    s = load_settings({"IDP_ENV": "production", "IDP_SECRET_KEY": "x" * 40, "IDP_KEY_ENCRYPTION_KEY": "k",
                       "IDP_PAIRWISE_SALT": "salt", "IDP_ISSUER": "https://id.gov.uz",
                       "IDP_DATABASE_URL": "postgresql+psycopg://idp@db/idp",
                       "IDP_REGISTRY_URL": "https://register.example", "IDP_SMTP_URL": "smtp://mail.internal:587"})
    assert s.production
    assert s.redacted()["SECRET_KEY"] == "***"


def test_embedded_register_refused_in_production():
    from idp.registry import EmbeddedRegistry

    with pytest.raises(RuntimeError):
        EmbeddedRegistry(None, environment="production")


def test_reference_lists_every_setting():
    table = reference_markdown()
    assert "`IDP_ISSUER`" in table and "`IDP_DATABASE_URL`" in table and "`IDP_REDIS_URL`" in table


def test_readme_configuration_table_is_current():
    import pathlib

    readme = (pathlib.Path(__file__).parents[2] / "README.md").read_text()
    assert reference_markdown() in readme, "run `idp config --markdown` and paste it into README.md"
