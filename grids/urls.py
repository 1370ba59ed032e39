from django.urls import include, path

from grids.views import phone

urlpatterns = [
    path("grids/import/", include("grids.import_urls")),
    path("grids/households/", phone.household_search, name="grids-household-search"),
    path("grids/households/<int:pk>/", phone.household, name="grids-household"),
    path("grids/households/<int:pk>/visit/", phone.visit, name="grids-visit"),
    path("grids/care/<int:pk>/card.pdf", phone.contact_card, name="grids-contact-card"),
]
