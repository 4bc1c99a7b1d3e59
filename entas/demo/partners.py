"""About 100 partners and 150 agreements (MoU and PKS) through the partnership services, as the
programme reported (150 MoU/PKS with 100+ partners, 2021-2023). Dates are counted from the day the
demo is loaded, so some agreements are always expiring within 90 days and some have expired."""

import random
from datetime import date

from django.db import transaction

from entas.demo import calendar
from entas.partnerships import services
from entas.partnerships.models import AgreementKind, Partner, PartnerKind
from entas.programmes.models import Programme
from entas.regions.codes import Level
from entas.regions.models import Region

K = PartnerKind
NAMED = {
    K.MINISTRY: ["Kementerian Sosial", "Kementerian Desa dan Pembangunan Daerah Tertinggal", "Kementerian Pertanian",
                 "Kementerian Kelautan dan Perikanan", "Kementerian Perdagangan", "Kementerian Perindustrian",
                 "Kementerian Ketenagakerjaan", "Kementerian Dalam Negeri", "Kementerian PPN/Bappenas",
                 "Badan Pusat Statistik", "Kementerian Kesehatan", "Kementerian Pemberdayaan Perempuan dan "
                 "Perlindungan Anak", "Badan Pangan Nasional", "Kementerian Pariwisata dan Ekonomi Kreatif"],
    K.BUMN: ["PT Bank Rakyat Indonesia (Persero) Tbk", "PT Bank Negara Indonesia (Persero) Tbk",
             "PT Bank Mandiri (Persero) Tbk", "PT Bank Syariah Indonesia Tbk", "PT Permodalan Nasional Madani",
             "PT Pegadaian", "PT Pos Indonesia (Persero)", "PT Telkom Indonesia (Persero) Tbk", "Perum Bulog",
             "PT Pertamina (Persero)", "PT PLN (Persero)", "PT Jamkrindo", "PT Askrindo", "ID FOOD",
             "PT Sarinah", "PT Pupuk Indonesia (Persero)"],
    K.PRIVATE: ["PT Tokopedia", "PT Shopee International Indonesia", "PT Bukalapak.com Tbk", "PT Grab Teknologi "
                "Indonesia", "PT GoTo Gojek Tokopedia Tbk", "PT Unilever Indonesia Tbk", "PT Indofood Sukses Makmur "
                "Tbk", "PT Sido Muncul Tbk", "PT Astra International Tbk", "PT Sinar Mas Agribusiness", "PT Amartha "
                "Mikro Fintek", "PT Mayora Indah Tbk"],
    K.UNIVERSITY: ["Universitas Gadjah Mada", "Universitas Indonesia", "Institut Pertanian Bogor", "Institut "
                   "Teknologi Bandung", "Universitas Hasanuddin", "Universitas Nusa Cendana", "Universitas "
                   "Padjadjaran", "Universitas Sebelas Maret", "Universitas Diponegoro", "Universitas Airlangga",
                   "Universitas Brawijaya", "Universitas Negeri Semarang"],
    K.NGO: ["BAZNAS", "Dompet Dhuafa", "Rumah Zakat", "Yayasan Wahana Visi Indonesia", "Yayasan Plan International "
            "Indonesia", "Mercy Corps Indonesia", "Yayasan Bina Swadaya", "Lembaga Amil Zakat Nasional LAZISNU",
            "LAZISMU", "Yayasan Cinta Anak Bangsa"],
}
REGIONAL = 38  # regional governments of the demo provinces' regencies and cities
SCOPES = ["Pendampingan usaha keluarga miskin ekstrem", "Akses pembiayaan KUR dan UMi", "Pemasaran produk UMKM "
          "binaan", "Pelatihan kewirausahaan", "Pendataan KUMKM", "Penguatan koperasi desa"]


def _partners() -> list[Partner]:
    made = [services.create_partner(None, name=name, kind=kind) for kind, names in NAMED.items() for name in names]
    regencies = Region.objects.filter(level=Level.REGENCY, parent_id__in=["33", "53", "32", "73"]).order_by("code")
    for region in regencies[:REGIONAL]:
        name = f"Pemerintah {region.name.title()}"
        made.append(services.create_partner(None, name=name, kind=K.REGIONAL_GOVERNMENT))
    return made


@transaction.atomic
def ensure_partners(programme: Programme | None, today: date) -> int:
    """The partners and their agreements; nothing when the partners are there already."""
    if Partner.objects.filter(name=NAMED[K.MINISTRY][0]).exists():
        return 0
    rng = random.Random(2021)
    partners = _partners()
    made = 0
    for i, partner in enumerate(partners):
        for n in range(1 + (i % 2 == 0)):  # one or two each: about 150 in all
            kind = AgreementKind.MOU if n == 0 else AgreementKind.PKS
            signed = calendar.days_after(today, -rng.randint(200, 5 * 365))
            if made % 8 == 0:  # expiring within 90 days
                until = calendar.days_after(today, rng.randint(5, 85))
            elif made % 6 == 0:  # expired
                until = calendar.days_after(today, -rng.randint(10, 190))
            else:
                until = calendar.days_after(today, rng.randint(120, 3 * 365))
            signed = min(signed, calendar.days_after(until, -180))
            services.create_agreement(
                None, kind=kind, number=f"{kind.upper()}/{made + 1:03d}/DEP.KUKM/{signed.year}",
                title=f"{kind.label.split(' ')[0]} {partner.name}: {SCOPES[made % len(SCOPES)].lower()}",
                parties=[partner], signed=signed, valid_until=until, scope=SCOPES[made % len(SCOPES)],
                programmes=[programme] if programme and n == 1 else [])
            made += 1
    return made
