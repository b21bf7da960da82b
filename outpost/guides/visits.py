"""The desk field work opens service requests through (`fieldwork.service_desk`): a visit (走访)
may ask for help with a matter on the visited resident's behalf. The request is entered by the
visitor and filed where the visited subject lies (its grid and its own beat), so it is read by
exactly those who read the subject."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.core.refusals import refusal
from outpost.fieldwork.service_desk import ForSubject
from outpost.geo.models import Grid
from outpost.guides import queries, services
from outpost.guides.models import Matter, Mode, ServiceRequest


class GuidesDesk:
    def matters(self) -> list[tuple[str, str]]:
        return list(queries.matters_for(None).values_list("code", "title"))

    def modes(self) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in Mode.choices]

    def open(self, new: ForSubject, *, actor: User) -> ServiceRequest:
        matter = queries.matters_for(None).filter(code=new.ask.matter).first()
        if matter is None:
            raise ValidationError({"matter": refusal(_("No such matter"))})
        return services.create_service_request(_request(new, matter), actor=actor)


def _request(new: ForSubject, matter: Matter) -> services.NewServiceRequest:
    grid = Grid.objects.select_related("main_beat").filter(code=new.grid_code).first()
    return services.NewServiceRequest(
        matter=matter,
        mode=new.ask.mode,
        resident_name=new.resident_name,
        phone=new.ask.phone,
        address=new.address,
        grid=grid,
        note=new.ask.note[:500],
        beat_code=new.beat_code,
    )
