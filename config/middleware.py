"""Language selection: Indonesian unless the user chose otherwise."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but a browser's Accept-Language does not override the default.

    Government staff often run browsers set to English; the interface should still open in Indonesian
    (``LANGUAGE_CODE``) until the user picks a language with the switcher (stored in the language cookie).
    The API (``/api/``) also follows ``Accept-Language`` when there is no cookie: an integration asks for
    its language that way (RFC 9110 §12.5.4).
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or ""
        if not chosen and request.path_info.startswith("/api/"):
            chosen = translation.get_language_from_request(request)
        try:
            language = translation.get_supported_language_variant(chosen)  # "en-us" → "en"
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
