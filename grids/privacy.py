"""Who sees residents' names and mobile numbers in full: the grid workers of their grid and
the cadres of their community. Everyone else sees them masked (governance.masking)."""

from governance.masking import mask_mobile, mask_name, sees_contact


def sees_resident_contact(user, building):
    return sees_contact(user, building)


def shown_name(user, resident, building):
    return resident.name if sees_resident_contact(user, building) else mask_name(resident.name)


def shown_mobile(user, resident, building):
    if sees_resident_contact(user, building):
        return resident.mobile
    return mask_mobile(resident.mobile)
