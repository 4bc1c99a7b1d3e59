"""Synthetic files for the record-linkage benchmark (bench/bench_linkage.py): a registry of people in
households (file A, DTSEN-like), an agency's file of cooperative members and enterprise owners
(file B) carrying the noise such files carry, and the truth.

  .venv/bin/python bench/linkage_synth.py --a 200000 --b 60000 --seed 11 --out bench/out/linkage/x

Writes into --out:
  a.csv      person_id,nik,kk_number,full_name,sex,birth_date,address,village_code
  b.csv      rec_id,nama,nik,tgl_lahir,jenis_kelamin,alamat,kode_wilayah
  truth.csv  rec_id,person_id (person_id blank when the B record is nobody in A)
  noise.csv  what was done to each B record (its kind and the noise of each field), to read a
             linker's mistakes by; not an input of the linker
  meta.json  sizes, seed and counts (bench_linkage.py reuses a folder whose meta matches)

The same seed gives the same files. Structure (households, dates, NIKs, who is in B, which noise) is
drawn with NumPy; names, addresses and the noise's strings are built per row by a `random.Random`
seeded from the same NumPy generator.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
REGION_DATA = ROOT / "entas" / "regions" / "data"

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
DateArray = npt.NDArray[np.datetime64]

REFERENCE = np.datetime64("2025-06-30")  # "today" for ages
REFERENCE_DATE = date(2025, 6, 30)
EARLIEST_BIRTH = np.datetime64("1940-01-01")
LATEST_BIRTH = np.datetime64("2020-12-31")
DAYS_PER_YEAR = 365.2425
PEOPLE_PER_DISTRICT = 1250  # the registry's density: districts per regency grow with --a
TWIN_HOUSEHOLDS = 0.015
MATCH_SHARE = 0.80
TITLED_IN_A = 0.03  # registry names written with a title (Drs., Hj., S.Pd.)

# ~20 regencies and the naming of their people.
REGENCIES: dict[str, str] = {
    "33.10": "jawa", "33.09": "jawa", "33.12": "jawa", "33.14": "jawa", "33.72": "jawa", "34.02": "jawa",
    "35.04": "jawa", "32.04": "sunda", "32.05": "sunda", "32.06": "sunda", "35.26": "madura", "35.28": "madura",
    "12.02": "batak", "12.12": "batak", "51.04": "bali", "51.08": "bali", "73.08": "bugis", "73.13": "bugis",
    "53.01": "ntt", "53.02": "ntt",
}
# Share of a regency's people named from the general Muslim pool rather than its own.
MUSLIM_MIX = {"jawa": 0.25, "sunda": 0.25, "madura": 0.5, "bugis": 0.3, "batak": 0.0, "bali": 0.0, "ntt": 0.0}

# Kinds of B records and the noise of each field: (label, probability).
NONMATCH_KINDS = (("namesake", 0.45), ("family", 0.25), ("outsider", 0.30))
NIK_NOISE = (("correct", 0.66), ("blank", 0.08), ("excel", 0.04), ("digit", 0.05), ("swap", 0.04),
             ("no_plus40", 0.05), ("kk", 0.03), ("family", 0.02), ("formatted", 0.03))
NAME_NOISE = (("same", 0.40), ("one", 0.42), ("two", 0.18))
DATE_NOISE = (("correct", 0.80), ("day_month", 0.06), ("year_only", 0.06), ("blank", 0.04), ("typo", 0.04))
SEX_NOISE = (("correct", 0.88), ("blank", 0.10), ("wrong", 0.02))
VILLAGE_NOISE = (("own", 0.70), ("district", 0.12), ("neighbour", 0.08), ("regency", 0.05), ("blank", 0.05))
ADDRESS_NOISE = (("same", 0.50), ("varied", 0.30), ("blank", 0.10), ("business", 0.10))


# --- names ------------------------------------------------------------------------------------------


class Pool:
    """Names in order of frequency, drawn with Zipf-like weights so that the first few are common
    (namesakes in one district are the norm: several Siti Aminah, Sri Wahyuni, Budi Santoso)."""

    def __init__(self, names: str, exponent: float = 0.8) -> None:
        self.names = tuple(n.strip() for n in names.split(",") if n.strip())
        self.cum = list(accumulate(1 / (rank + 1) ** exponent for rank in range(len(self.names))))

    def pick(self, rnd: random.Random) -> str:
        return self.names[bisect.bisect_right(self.cum, rnd.random() * self.cum[-1])]


P = Pool
POOLS: dict[str, dict[str, Pool]] = {
    "jawa": {
        "m_full": P("Budi Santoso, Joko Susilo, Slamet Riyadi, Agus Setiawan, Eko Prasetyo, Bambang Sutrisno, "
                    "Heru Purnomo, Sri Mulyono, Joko Widodo, Tri Wahyudi, Dwi Hartono, Teguh Raharjo, Wahyu Nugroho, "
                    "Rudi Hartono, Hadi Suryono"),
        "m_single": P("Suparno, Slamet, Sutrisno, Sugiyanto, Wagiman, Paiman, Sukirno, Tukiman, Suyanto, Sumardi, "
                      "Parjo, Giyono, Mulyono, Sarno, Warsito, Kasiman, Sunarto, Suwarno, Harjono, Sumarno, Cahyono, "
                      "Paijo, Juwadi, Ngadiman, Sukarjo"),
        "m_first": P("Budi, Joko, Agus, Bambang, Heru, Eko, Dwi, Tri, Wahyu, Yudi, Slamet, Teguh, Rudi, Hadi, Arif, "
                     "Dedi, Adi, Sri, Sigit, Bayu, Dimas, Yoga, Fajar, Andri"),
        "m_second": P("Santoso, Susilo, Riyadi, Prasetyo, Wibowo, Setiawan, Purnomo, Hartono, Cahyono, Nugroho, "
                      "Kurniawan, Saputra, Widodo, Suryono, Prabowo, Sutrisno, Hidayat, Wijaya, Utomo, Raharjo, "
                      "Sulistyo, Handoko"),
        "f_full": P("Sri Wahyuni, Siti Aminah, Sri Lestari, Sri Rahayu, Siti Fatimah, Tri Wahyuni, Dwi Astuti, "
                    "Endang Sulistyowati, Sri Mulyani, Nur Hasanah, Sri Hartini, Siti Maryam, Endang Purwanti, "
                    "Dewi Lestari, Yuni Astuti"),
        "f_single": P("Suyatmi, Sumiyati, Tumini, Sukarni, Wartini, Ngatini, Partini, Lestari, Sumarni, Sulastri, "
                      "Painem, Sutini, Mulyani, Suparmi, Wagiyem, Tukinah, Rubiyem, Murni, Sarmi, Jumiyem, Suyati, "
                      "Ngadinem, Sukinah"),
        "f_first": P("Sri, Siti, Tri, Dwi, Endang, Nur, Rina, Yuni, Dewi, Ani, Eka, Wahyu, Lia, Retno, Rini, Ayu, "
                     "Dian, Indah, Putri"),
        "f_second": P("Wahyuni, Lestari, Rahayu, Astuti, Sulistyowati, Aminah, Purwanti, Handayani, Suryani, "
                      "Rahmawati, Mulyani, Wulandari, Kusumawati, Setyowati, Hartini, Susanti, Utami, Fatimah, "
                      "Maryam, Hasanah, Ningsih, Widayati"),
    },
    "sunda": {
        "m_full": P("Asep Sunandar, Ujang Suryana, Dede Kusnadi, Asep Saepudin, Dadang Sutisna, Cecep Hidayat, "
                    "Iwan Setiawan, Yayan Sopandi, Ade Permana, Dadan Rustandi"),
        "m_single": P("Asep, Ujang, Dede, Cecep, Dadang, Entis, Iwan, Yayan, Ade, Aep, Dadan, Engkus, Oman, Encep, "
                      "Ayi, Jajang, Endang, Nandang, Ohim, Usep"),
        "m_first": P("Asep, Ujang, Dede, Cecep, Dadang, Iwan, Yayan, Ade, Dadan, Jajang, Endang, Nandang, Agus, "
                     "Deden, Rahmat"),
        "m_second": P("Sunandar, Sutisna, Hidayat, Kusnadi, Permana, Gunawan, Suryana, Rukmana, Sopandi, Saepudin, "
                      "Supriatna, Mulyana, Setiadi, Rustandi, Hermawan, Sukmana, Ruhiyat"),
        "f_full": P("Euis Komalasari, Imas Masitoh, Neneng Hasanah, Cucu Sumiati, Enok Rohayati, Lilis Suryani, "
                    "Siti Nurjanah, Iis Rohaeti, Tati Sumiati, Nining Kurniasih"),
        "f_single": P("Euis, Imas, Neneng, Cucu, Enok, Iis, Tati, Yati, Nining, Entin, Eneng, Yoyoh, Elis, Lilis, "
                      "Nani, Popon, Ai, Cicih, Onah, Mimin"),
        "f_first": P("Euis, Imas, Neneng, Cucu, Enok, Iis, Tati, Yati, Nining, Entin, Eneng, Elis, Lilis, Siti, "
                     "Rina, Dewi"),
        "f_second": P("Rohayati, Kurniasih, Komalasari, Nurjanah, Sumiati, Rosita, Maryati, Sukaesih, Nurlela, "
                      "Rohmah, Hayati, Kartika, Rostika, Juariah, Rohaeti, Masitoh, Suryani"),
    },
    "madura": {
        "m_full": P("Moh. Hasan, Moh. Sahri, Moh. Holil, Abd. Rahman, Moh. Fauzi, Mat Sani, Moh. Toyyib, "
                    "Abd. Karim, Moh. Ridwan, Moh. Sholeh"),
        "m_single": P("Hosnan, Matrawi, Sahrawi, Suhaimi, Holili, Mistar, Suhairi, Marsuki, Matsari, Sahwi, "
                      "Buhari, Sanuri, Jumali, Hamid, Sukri, Marzuki, Maskur, Syafi'i"),
        "m_first": P("Moh., Abd., Ach., Mat, Ahmad, Moh., Sahrul, Imam"),
        "m_second": P("Hasan, Sahri, Holil, Rahman, Fauzi, Sani, Toyyib, Karim, Ridwan, Sholeh, Romli, Junaidi, "
                      "Hanafi, Zainuddin, Yasin"),
        "f_full": P("Sitti Aisyah, Siti Maryam, Fatimatus Zahro, Siti Halimah, Nur Hayati, Sitti Fatimah, "
                    "Siti Hodijah, Nurul Qomariyah"),
        "f_single": P("Misnati, Sumarni, Halimah, Maryam, Hodijah, Munawwarah, Sulaiha, Rohimah, Satuna, Sumaiyah, "
                      "Hatijah, Marsiyah, Juhairiyah, Saniyah, Mariyam, Sutiya, Hamidah"),
        "f_first": P("Siti, Sitti, Nur, Nurul, Umi, Ummi, Fatimatus, Lailatul"),
        "f_second": P("Aisyah, Maryam, Halimah, Hayati, Fatimah, Hodijah, Qomariyah, Zahro, Kholifah, Hasanah, "
                      "Jamilah, Badriyah"),
    },
    "muslim": {
        "m_full": P("Muhammad Rizki, Ahmad Fauzi, Muhammad Iqbal, Abdul Rahman, Abdul Aziz, Muhammad Yusuf, "
                    "Syaiful Anwar, Khoirul Anam, Muhammad Ali, Hasan Basri, Muhammad Arifin, Abdullah, Ismail, "
                    "Zainal Abidin, Nur Hidayat, Muhammad Nur, Syamsul Arifin, Achmad Khoiri, Muhammad Fadli, "
                    "Ahmad Syahroni"),
        "m_first": P("Muhammad, Ahmad, Abdul, Syaiful, Khoirul, Nur, Achmad, Muhammad, Syamsul, Zainal"),
        "m_second": P("Rizki, Fauzi, Iqbal, Rahman, Aziz, Yusuf, Anwar, Anam, Ali, Arifin, Hidayat, Fadli, Ilham, "
                      "Hakim, Ridwan, Syahputra, Ikhsan, Huda, Kholil"),
        "f_full": P("Siti Aminah, Nur Hasanah, Siti Fatimah, Nurul Hidayah, Siti Khadijah, Siti Maryam, Nur Aini, "
                    "Siti Aisyah, Khusnul Khotimah, Siti Rohmah, Siti Zulaikha, Umi Kalsum, Siti Nurjanah, "
                    "Ummi Salamah, Siti Romlah, Nur Laila, Siti Nurhaliza"),
        "f_first": P("Siti, Nur, Nurul, Umi, Khusnul, Dewi, Fitri, Anisa, Rahmah, Zahra"),
        "f_second": P("Aminah, Hasanah, Fatimah, Hidayah, Khadijah, Maryam, Aini, Aisyah, Khotimah, Rohmah, Zulaikha, "
                      "Kalsum, Nurjanah, Salamah, Romlah, Laila, Rahmawati, Azizah"),
    },
    "batak": {
        "m_given": P("Maruli, Hotman, Parlindungan, Binsar, Togar, Sahat, Jonggi, Manahan, Poltak, Horas, Bonar, "
                     "Tigor, Marihot, Sabar, Robert, Jhon, Rudolf, Ronald, Benny, Lamhot, Parningotan, Jansen"),
        "m_second": P("Tua, Maju, Halomoan, Parulian, Mangasi, Pandapotan, Marudut, Hasiholan, Hamonangan, Tongam"),
        "f_given": P("Rosmawati, Rosmaida, Tiurma, Lamria, Dormauli, Rotua, Hotmaida, Nurmala, Rumiris, Lasma, "
                     "Ruslina, Mesrawati, Resmi, Tiominar, Masniari, Riris, Lenny, Rosdiana, Herlina, Erna, Nurhayati"),
        "clan": P("Siregar, Simanjuntak, Nainggolan, Sitompul, Hutapea, Panjaitan, Simatupang, Situmorang, Sinaga, "
                  "Pardede, Hutagalung, Manurung, Sihombing, Lumbantobing, Napitupulu, Silalahi, Sirait, Tambunan, "
                  "Simbolon, Siahaan, Hutabarat, Sianturi, Sihite, Marbun, Lumbangaol, Purba", exponent=0.6),
    },
    "bali": {
        "m_given": P("Sudarma, Suardana, Artawan, Budiasa, Sutama, Wirawan, Ariana, Sukadana, Mertayasa, Suarjana, "
                     "Darmawan, Sudiarta, Astawa, Widiana, Sumerta, Adi Putra, Sukarta, Suweca"),
        "f_given": P("Ayu, Sukerti, Suastini, Sriani, Kartini, Ariani, Sudiarsih, Rai, Wati, Sumiati, Suartini, "
                     "Yuliani, Mariani, Sulasmi, Ayu Lestari, Ayu Sukerti, Sri Wahyuni, Astiti"),
    },
    "bugis": {
        "m_given": P("Muhammad Arif, Baharuddin, Syamsuddin, Hasanuddin, Amiruddin, Nasruddin, Jamaluddin, "
                     "Muh. Yusuf, Abdul Rahman, Ambo Tang, Ambo Dalle, Sudirman, Mustafa, Kamaruddin, Sahabuddin, "
                     "Muhammad Idris, Haeruddin, Arifin, Rahman, Muh. Nasir, Sulaiman"),
        "f_given": P("Nurhayati, Rosmini, Hasnah, Saenab, Hadijah, Hasmawati, Masnah, Sitti Rahma, Nurhaeda, "
                     "Hasnawati, Marhaeni, Sitti Aminah, Nurlina, Jumriah, Hamsinah, Nurbaya, Hasriani, Suarni, "
                     "Sitti Nurhaedah, Darmawati"),
    },
    "ntt": {
        "m_given": P("Yohanes, Yosef, Petrus, Paulus, Fransiskus, Markus, Yakobus, Agustinus, Kornelis, Melkianus, "
                     "Daniel, Simon, Yulius, Arnoldus, Stefanus, Marthen, Yeremias, Obed, Nikodemus, Benyamin"),
        "f_given": P("Maria, Maria Goreti, Yuliana, Agustina, Anastasia, Maria Magdalena, Katarina, Martha, Yohana, "
                     "Selfina, Orpa, Dorkas, Ester, Ruth, Naomi, Adriana, Maria Yosefina, Dorce, Mariance"),
        "family": P("Ndun, Bana, Tefa, Nubatonis, Lakapu, Bani, Sabu, Tanaem, Manafe, Kase, Benu, Toto, Lobo, "
                    "Dethan, Seran, Tallo, Neno, Sole, Taneo, Oematan, Nenobais, Selan, Bessie, Tamonob",
                    exponent=0.6),
    },
}
BALI_ORDER = (("Wayan", "Putu", "Gede"), ("Made", "Kadek", "Nengah"), ("Nyoman", "Komang"), ("Ketut",))
# Twins: (first, second) given names by the twins' sexes.
TWINS_MM: tuple[tuple[str, str], ...] = (
    ("Hasan", "Husein"), ("Wahyu", "Wahyudi"), ("Agus", "Agung"), ("Fajar", "Fajri"), ("Rizki", "Rizal"),
    ("Adi", "Ade"), ("Ikhsan", "Ikhwan"), ("Yohanes", "Yosef"), ("Petrus", "Paulus"))
TWINS_FF: tuple[tuple[str, str], ...] = (
    ("Rina", "Rini"), ("Fitri", "Fitria"), ("Nur Aini", "Nur Aisyah"), ("Yuni", "Yuli"), ("Ika", "Eka"),
    ("Nia", "Nina"), ("Maria", "Marta"), ("Dewi", "Dewani"))
TWINS_MF: tuple[tuple[str, str], ...] = (
    ("Dewa", "Dewi"), ("Putra", "Putri"), ("Rizki", "Rizka"), ("Andi", "Andini"), ("Fajar", "Fajarwati"),
    ("Wahyu", "Wahyuni"), ("Rahmat", "Rahmawati"), ("Agustinus", "Agustina"))
TITLES_MALE = ("H.", "Drs.", "Ir.")
TITLES_FEMALE = ("Hj.", "Dra.")
TITLES_AFTER = ("S.Pd.", "S.E.", "S.H.", "S.Ag.", "A.Md.", "S.Sos.")
HONORIFICS_MALE = ("Pak", "Bapak")
HONORIFICS_FEMALE = ("Bu", "Ibu")
TITLE_WORDS = frozenset(w.upper() for w in (*TITLES_MALE, *TITLES_FEMALE, *HONORIFICS_MALE, *HONORIFICS_FEMALE,
                                            *TITLES_AFTER))
MUHAMMAD = ("Muhammad", "Moh.", "M.", "Muh.", "Mohammad", "Mochammad", "Muhamad", "Moch.")
MUHAMMAD_UPPER = frozenset(w.upper() for w in MUHAMMAD)
DAENG = ("Naba", "Tompo", "Sikki", "Ngalle", "Sese", "Bani", "Rani", "Tayang")
OLD_SPELLING = {"kh": "ch", "sy": "sj", "ny": "nj", "j": "dj", "c": "tj", "y": "j", "u": "oe"}
OLD_PATTERN = re.compile("kh|sy|ny|j|c|y|u", re.IGNORECASE)

# --- addresses ----------------------------------------------------------------------------------------

PLACES = {
    "jawa": ("Krajan, Karanganyar, Sidomulyo, Sukorejo, Ngampel, Kauman, Kebonagung, Tegalrejo, Jatirejo, Ngrejo, "
             "Pandean, Kranggan, Gondang, Ngasem, Sumberejo, Wonorejo, Kedungsari, Bendo, Tegalsari, Kradenan"),
    "sunda": ("Cibodas, Sukamaju, Sukasari, Cikoneng, Babakan, Cisalak, Pasirjati, Sindangsari, Cimanggu, Ciherang, "
              "Cijambe, Sukamulya, Mekarsari, Kaum, Sirnagalih"),
    "madura": "Krajan, Laok Lorong, Dajah, Temor Lorong, Barat, Timur, Tengah, Kampung Baru, Bunut, Lembung",
    "batak": ("Lumban Tonga, Huta Ginjang, Lumban Siagian, Sosor Dolok, Huta Raja, Banjar Nahor, Lumban Julu, "
              "Sitio-tio, Huta Tinggi, Pansur Napitu"),
    "bali": "Kaja, Kelod, Tengah, Pande, Dangin Peken, Dauh Peken, Puseh, Anyar, Kawan, Kangin",
    "bugis": "Bulu, Lappa, Kajuara, Tanete, Watang, Bontoa, Tellu, Labbae, Cenrana, Palakka",
    "ntt": "I, II, III, IV, V, VI, Oesao, Oebola, Naibonat, Tuapukan",
}
PLACE_PREFIX = {"jawa": ("Dusun", "Dukuh"), "sunda": ("Kampung",), "madura": ("Dusun",), "batak": ("Dusun",),
                "bali": ("Banjar",), "bugis": ("Dusun", "Lingkungan"), "ntt": ("Dusun",)}
PREFIX_SHORT = {"Dusun": ("Dsn.", "Dsn", "DSN.", "Dusun"), "Dukuh": ("Dk.", "Dkh.", "Dukuh"),
                "Kampung": ("Kp.", "Kmp.", "Kp"), "Banjar": ("Br.", "Banjar", "Br"), "Lingkungan": ("Lingk.", "Lk.")}
STREETS = ("Melati", "Mawar", "Kenanga", "Anggrek", "Flamboyan", "Cempaka", "Dahlia", "Kamboja", "Merpati", "Nusantara",
           "Diponegoro", "Sudirman", "Ahmad Yani", "Gatot Subroto", "Pahlawan", "Veteran", "Kartini", "Imam Bonjol",
           "Pemuda", "Kenari")


@dataclass(frozen=True)
class Address:
    prefix: str  # Dusun, Dukuh, Kampung, Banjar, Lingkungan, or "Jl." for a street
    place: str
    number: int  # house number on a street, 0 in a dusun
    rt: int
    rw: int

    def canonical(self) -> str:
        """As the registry writes it: `Dusun Krajan RT 002 RW 005`, `Jl. Melati No. 12 RT 01/RW 03`."""
        if self.prefix == "Jl.":
            return f"Jl. {self.place} No. {self.number} RT {self.rt:02d}/RW {self.rw:02d}"
        return f"{self.prefix} {self.place} RT {self.rt:03d} RW {self.rw:03d}"

    def varied(self, rnd: random.Random, village: str) -> str:
        """As an agency's clerk writes it: abbreviated, RT/RW written another way, the village added."""
        rt_rw = rnd.choice((f"Rt {self.rt} Rw {self.rw}", f"RT.{self.rt:03d}/RW.{self.rw:03d}",
                            f"RT {self.rt:02d} RW {self.rw:02d}", f"{self.rt:03d}/{self.rw:03d}",
                            f"Rt.{self.rt} Rw.{self.rw}", f"RT {self.rt}/{self.rw}"))
        if self.prefix == "Jl.":
            street = rnd.choice(("Jln", "Jln.", "Jalan", "JL.", "Jl"))
            number = rnd.choice((f"No.{self.number}", f"{self.number}", f"no {self.number}", f"No. {self.number}"))
            text = f"{street} {self.place} {number} {rt_rw}"
        else:
            prefix = rnd.choice((*PREFIX_SHORT[self.prefix], ""))
            text = f"{prefix} {self.place} {rt_rw}".strip()
        if rnd.random() < 0.35:
            text += rnd.choice((f", Desa {village}", f" Ds. {village}", f", {village}", f" Kel. {village}"))
        return text.upper() if rnd.random() < 0.4 else text


def business_address(rnd: random.Random, village: str) -> str:
    return rnd.choice((
        f"Pasar {village} Blok {rnd.choice('ABCDE')} No. {rnd.randint(1, 60)}",
        f"Kios {rnd.randint(1, 40)} Pasar {village}",
        f"Jl. Raya {village} Km {rnd.randint(1, 15)}",
        f"Ruko {rnd.choice(STREETS)} Blok {rnd.choice('ABC')}-{rnd.randint(1, 20)}",
        f"Los {rnd.randint(1, 30)} Pasar Desa {village}",
    ))


# --- geography ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Geography:
    villages: list[str]  # dotted codes of the chosen districts' villages
    village_names: list[str]
    village_district: IntArray  # index into districts
    village_urban: BoolArray  # kelurahan (code 1xxx) or in a city
    village_places: list[tuple[str, ...]]  # the dusun (or streets) of each village
    districts: list[str]  # the chosen districts, dotted
    district_regency: IntArray  # index into regencies
    district_villages: list[IntArray]  # villages of each district, in code order
    regencies: list[str]
    regency_flavour: list[str]
    regency_villages: list[IntArray]
    regency_all_districts: list[list[str]]  # every district of the regency (registration elsewhere)


def load_geography(rng: np.random.Generator, people: int) -> Geography:
    """The REGENCIES' villages, from as many of their districts as keep about PEOPLE_PER_DISTRICT
    people in each (at least two per regency)."""
    regencies = sorted(REGENCIES)
    per_regency = max(2, round(people / PEOPLE_PER_DISTRICT / len(regencies)))
    all_districts: dict[str, list[str]] = {r: [] for r in regencies}
    with (REGION_DATA / "districts.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            if row["regency_code"] in all_districts:
                all_districts[row["regency_code"]].append(row["code"])
    by_district: dict[str, list[tuple[str, str]]] = {}
    with (REGION_DATA / "villages.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            if row["code"][:5] in all_districts:
                by_district.setdefault(row["district_code"], []).append((row["code"], row["name"]))
    districts: list[str] = []
    for regency in regencies:
        having = sorted(d for d in all_districts[regency] if d in by_district)
        chosen = rng.choice(len(having), size=min(per_regency, len(having)), replace=False)
        districts.extend(having[i] for i in sorted(chosen))
    villages: list[str] = []
    names: list[str] = []
    village_district: list[int] = []
    for index, district in enumerate(districts):
        for code, name in sorted(by_district[district]):
            villages.append(code)
            names.append(name)
            village_district.append(index)
    vd = np.array(village_district, dtype=np.int64)
    district_regency = np.array([regencies.index(d[:5]) for d in districts], dtype=np.int64)
    flavours = [REGENCIES[r] for r in regencies]
    urban = np.array([v[9] == "1" or v[3] == "7" for v in villages], dtype=np.bool_)
    rnd = random.Random(int(rng.integers(2**62)))
    places: list[tuple[str, ...]] = []
    for v, is_urban in enumerate(urban.tolist()):
        flavour = flavours[int(district_regency[vd[v]])]
        if is_urban:
            places.append(tuple(rnd.sample(STREETS, rnd.randint(3, 8))))
        else:
            pool = [p.strip() for p in PLACES[flavour].split(",")]
            chosen_places = rnd.sample(pool, rnd.randint(2, 6))
            if flavour in ("jawa", "madura") and "Krajan" not in chosen_places and rnd.random() < 0.6:
                chosen_places[0] = "Krajan"  # the village's old centre: a dusun in most Javanese villages
            places.append(tuple(chosen_places))
    district_villages = [np.flatnonzero(vd == d) for d in range(len(districts))]
    regency_of_village = district_regency[vd]
    return Geography(
        villages=villages, village_names=names, village_district=vd, village_urban=urban, village_places=places,
        districts=districts, district_regency=district_regency, district_villages=district_villages,
        regencies=regencies, regency_flavour=flavours,
        regency_villages=[np.flatnonzero(regency_of_village == r) for r in range(len(regencies))],
        regency_all_districts=[sorted(all_districts[r]) for r in regencies],
    )


# --- dates and numbers -----------------------------------------------------------------------------------


def date_parts(days: DateArray) -> tuple[IntArray, IntArray, IntArray]:
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def ddmmyy(days: DateArray, plus_day: IntArray | int = 0) -> IntArray:
    year, month, day = date_parts(days)
    return np.asarray((day + plus_day) * 10_000 + month * 100 + year % 100, dtype=np.int64)


def district_number(code: str) -> int:
    return int(code.replace(".", ""))


def numbered(rng: np.random.Generator, prefix: IntArray, order: Sequence[IntArray]) -> IntArray:
    """16-digit numbers: the 12-digit `prefix` and a 4-digit serial counting up within each prefix in
    `order` (so twins, adjacent in that order, get consecutive serials), from a start that is mostly 1."""
    sort = np.lexsort((*reversed(order), prefix))
    sorted_prefix = prefix[sort]
    new_group = np.ones(len(sort), dtype=np.bool_)
    new_group[1:] = sorted_prefix[1:] != sorted_prefix[:-1]
    group = np.cumsum(new_group) - 1
    starts = np.flatnonzero(new_group)
    rank = np.arange(len(sort)) - starts[group]
    first = np.where(rng.random(len(starts)) < 0.6, 1, rng.integers(2, 40, len(starts)))
    serial = np.empty(len(sort), dtype=np.int64)
    serial[sort] = first[group] + rank
    return np.asarray(prefix * 10_000 + serial, dtype=np.int64)


def weighted_sample(rng: np.random.Generator, weights: FloatArray, k: int) -> IntArray:
    """k distinct indices drawn with probability proportional to `weights` (Efraimidis-Spirakis)."""
    keys = np.where(weights > 0, np.log(np.maximum(weights, 1e-300)) + rng.gumbel(size=len(weights)), -np.inf)
    k = min(k, int((weights > 0).sum()))
    return np.asarray(np.sort(np.argpartition(-keys, k - 1)[:k]) if k else np.empty(0, np.int64), dtype=np.int64)


def draw(rng: np.random.Generator, table: Sequence[tuple[str, float]], n: int) -> npt.NDArray[np.str_]:
    labels = np.array([label for label, _ in table])
    shares = np.array([share for _, share in table])
    return np.asarray(labels[rng.choice(len(table), size=n, p=shares / shares.sum())])


# --- the registry (A) --------------------------------------------------------------------------------------

HEAD, SPOUSE, CHILD, PARENT = 0, 1, 2, 3


@dataclass
class Registry:
    person_id: list[str]
    nik: list[str]
    kk: list[str]  # per person (the household's)
    name: list[str]
    male: BoolArray
    birth: DateArray
    role: IntArray
    household: IntArray
    village: IntArray  # per person (the household's)
    nik_district: list[str]  # the district of registration, dotted
    address: list[Address]  # per household
    household_members: list[IntArray]
    household_twins: int
    twin_pairs: list[tuple[int, int]]
    given_family: list[tuple[str, str]]  # per household: (flavour family element, e.g. clan, or "")


def household_shapes(rng: np.random.Generator, people: int) -> IntArray:
    sizes = np.array([1, 2, 3, 4, 5, 6, 7])
    shares = np.array([0.08, 0.17, 0.24, 0.25, 0.14, 0.08, 0.04])
    drawn = sizes[rng.choice(7, size=people // 2 + 10, p=shares)]
    total = np.cumsum(drawn)
    n = int(np.searchsorted(total, people)) + 1
    drawn = drawn[:n].copy()
    drawn[-1] -= int(total[n - 1] - people)
    return np.asarray(drawn, dtype=np.int64)


def soft_clip(rng: np.random.Generator, age: FloatArray, low: float, high: float) -> FloatArray:
    """Ages out of [low, high] drawn again within 3 years of the bound, so that clipping does not
    give two people of one household the same birth date."""
    age = np.where(age > high, high - rng.uniform(0, 3, len(age)), age)
    return np.asarray(np.where(age < low, low + rng.uniform(0, 3, len(age)), age), dtype=np.float64)


def registry(rng: np.random.Generator, geo: Geography, people: int) -> Registry:
    size = household_shapes(rng, people)
    households = len(size)
    spouse = (size >= 2) & (rng.random(households) < 0.88)
    parent = (size >= 3) & (rng.random(households) < 0.10)
    children = size - 1 - spouse - parent
    # Households in villages: some villages bigger than others.
    village_weight = rng.lognormal(0, 0.5, len(geo.villages))
    home = rng.choice(len(geo.villages), size=households, p=village_weight / village_weight.sum())

    household = np.repeat(np.arange(households), size)
    start = np.cumsum(size) - size
    pos = np.arange(people) - start[household]
    role = np.full(people, CHILD, dtype=np.int64)
    role[pos == 0] = HEAD
    role[(pos == 1) & spouse[household]] = SPOUSE
    role[(pos == size[household] - 1) & parent[household] & (pos > 0)] = PARENT
    child_index = pos - 1 - spouse[household]

    # Twins: two adjacent children of ~1.5% of households.
    can_twin = children >= 2
    twin_household = can_twin & (rng.random(households) < TWIN_HOUSEHOLDS * households / max(1, can_twin.sum()))
    twin_first = np.where(twin_household, rng.integers(0, np.maximum(children - 1, 1)), -1)
    is_second_twin = (role == CHILD) & twin_household[household] & (child_index == twin_first[household] + 1)

    # Sexes: a head with a spouse is mostly a man, a head alone mostly a woman (widows).
    head_male = np.where(spouse, rng.random(households) < 0.96, rng.random(households) < 0.45)
    male = rng.random(people) < 0.5
    male[role == HEAD] = head_male
    male[role == SPOUSE] = ~head_male[household[role == SPOUSE]]
    male[role == PARENT] = rng.random(int((role == PARENT).sum())) < 0.3
    boy_girl = rng.random(households) < 0.35
    twin_sex_follows = is_second_twin & ~boy_girl[household]
    first_twin_index = np.flatnonzero(is_second_twin) - 1
    male[is_second_twin] = np.where(twin_sex_follows[is_second_twin], male[first_twin_index],
                                    ~male[first_twin_index])

    # Ages: the children first (the youngest born in 2020 at the latest), then a mother who had the
    # eldest between 19 and 34, then the head and the head's parent.
    gap = np.where(role == CHILD, rng.uniform(1.3, 4.0, people), 0.0)
    gap[is_second_twin] = 0.0
    youngest = 4.6 + np.minimum(rng.exponential(9.0, households), 30.0)
    # child ages: youngest + the gaps of the children after it (children are listed eldest first)
    after = np.cumsum(gap[::-1])[::-1]  # sum of gaps from this person to the end of the array
    end = start + size
    after_end = np.append(after, 0.0)[end]  # the part that belongs to later households
    child_age = youngest[household] + (after - after_end[household]) - gap  # gaps of younger siblings
    has_children = children > 0
    eldest = np.full(households, 0.0)
    np.maximum.at(eldest, household[role == CHILD], child_age[role == CHILD])
    mother = np.where(has_children, eldest + rng.uniform(19, 34, households), 0.0)
    alone = np.clip(rng.normal(60, 14, households), 20, 84)
    couple = np.clip(rng.normal(50, 16, households), 20, 84)
    head_age = np.where(has_children, np.where(head_male, mother + rng.normal(4, 4, households), mother),
                        np.where(spouse, couple, alone))
    head_age = soft_clip(rng, head_age, 18, 84)
    spouse_age = np.where(has_children, np.where(head_male, mother, head_age - rng.normal(4, 4, households)),
                          head_age + np.where(head_male, -1, 1) * rng.normal(3, 4, households))
    spouse_age = soft_clip(rng, spouse_age, 18, 84)
    parent_age = soft_clip(rng, head_age + rng.uniform(20, 32, households), 0, 85)
    age = np.select([role == HEAD, role == SPOUSE, role == PARENT],
                    [head_age[household], spouse_age[household], parent_age[household]], child_age)
    birth = REFERENCE - np.round(age * DAYS_PER_YEAR).astype(np.int64).astype("timedelta64[D]")
    birth = np.clip(birth, EARLIEST_BIRTH, LATEST_BIRTH)
    birth[is_second_twin] = birth[first_twin_index]

    # NIK: the district of registration (the home district, except for some adults who moved in),
    # the birth date (a woman's day + 40) and a serial within the two.
    village = home[household]
    home_district = geo.village_district[village]
    elsewhere = rng.random(people)
    regency = geo.district_regency[home_district]
    nik_district = [geo.districts[d] for d in home_district.tolist()]
    for i in np.flatnonzero((elsewhere < 0.06) & (role != CHILD)).tolist():  # adults who moved here
        r = int(regency[i]) if elsewhere[i] < 0.05 else int(rng.integers(len(geo.regencies)))
        options = geo.regency_all_districts[r]
        nik_district[i] = options[int(rng.integers(len(options)))]
    district_numbers = np.array([district_number(d) for d in nik_district], dtype=np.int64)
    nik_prefix = district_numbers * 1_000_000 + ddmmyy(birth, np.where(male, 0, 40))
    nik = numbered(rng, nik_prefix, (household, pos))

    # No. KK: the home district, the issue date (after the youngest member's birth) and a serial.
    youngest_birth = np.zeros(households, dtype=np.int64)  # days since 1970
    np.maximum.at(youngest_birth, household, birth.astype(np.int64))
    earliest_issue = np.maximum(youngest_birth, np.datetime64("2008-01-01").astype(np.int64))
    span = np.datetime64("2024-12-31").astype(np.int64) - earliest_issue
    issued = (earliest_issue + (rng.random(households) * span).astype(np.int64)).astype("datetime64[D]")
    kk_district = np.array([district_number(geo.districts[d]) for d in geo.village_district[home].tolist()])
    kk = numbered(rng, kk_district * 1_000_000 + ddmmyy(issued), (np.arange(households),))

    rnd = random.Random(int(rng.integers(2**62)))
    names, given_family = household_names(rnd, geo, home, size, role, male, child_index, twin_first, birth)
    titled = (rng.random(people) < TITLED_IN_A) & (birth < np.datetime64("1995-01-01"))
    for i in np.flatnonzero(titled).tolist():
        names[i] = with_title(rnd, names[i], bool(male[i]))
    addresses = [household_address(rnd, geo, int(v)) for v in home.tolist()]
    members = np.split(np.arange(people), start[1:])
    second = np.flatnonzero(is_second_twin)
    return Registry(
        person_id=[f"P{i + 1:07d}" for i in range(people)], nik=[str(n) for n in nik.tolist()],
        kk=[str(k) for k in kk[household].tolist()], name=names, male=male, birth=birth, role=role,
        household=household, village=village, nik_district=nik_district, address=addresses,
        household_members=members, household_twins=int(twin_household.sum()),
        twin_pairs=list(zip((second - 1).tolist(), second.tolist(), strict=True)), given_family=given_family,
    )


def household_address(rnd: random.Random, geo: Geography, village: int) -> Address:
    places = geo.village_places[village]
    if geo.village_urban[village]:
        return Address("Jl.", rnd.choice(places), rnd.randint(1, 150), rnd.randint(1, 12), rnd.randint(1, 8))
    flavour = geo.regency_flavour[int(geo.district_regency[geo.village_district[village]])]
    prefix = PLACE_PREFIX[flavour][0] if rnd.random() < 0.8 else rnd.choice(PLACE_PREFIX[flavour])
    index = min(int(rnd.expovariate(1.0)), len(places) - 1)  # the first dusun (often Krajan) is the biggest
    return Address(prefix, places[index], 0, rnd.randint(1, 8), index + 1 if rnd.random() < 0.7 else rnd.randint(1, 6))


def flavour_of(geo: Geography, village: int) -> str:
    return geo.regency_flavour[int(geo.district_regency[geo.village_district[village]])]


def household_names(rnd: random.Random, geo: Geography, home: IntArray, size: IntArray, role: IntArray,
                    male: BoolArray, child_index: IntArray, twin_first: IntArray,
                    birth: DateArray) -> tuple[list[str], list[tuple[str, str]]]:
    """Every person's name, household by household: Batak children take the father's clan and the
    wife keeps hers (`br`), NTT children the father's family name, Balinese children a birth-order
    name (Wayan, Made, Nyoman, Ketut), Bugis children of an `Andi` father are `Andi`; twins get
    paired names (Hasan/Husein, Rina/Rini, Putra/Putri) and, often, a shared second name."""
    names: list[str] = []
    families: list[tuple[str, str]] = []
    roles, males, child_indices = role.tolist(), male.tolist(), child_index.tolist()
    twin_first_list = twin_first.tolist()
    person = 0
    for h, (village, n) in enumerate(zip(home.tolist(), size.tolist(), strict=True)):
        flavour = flavour_of(geo, village)
        family = ""  # the father's clan / family name / Andi
        if flavour == "batak":
            family = POOLS["batak"]["clan"].pick(rnd)
        elif flavour == "ntt":
            family = POOLS["ntt"]["family"].pick(rnd)
        elif flavour == "bugis" and rnd.random() < 0.2:
            family = "Andi"
        twins: tuple[int, ...] = (twin_first_list[h], twin_first_list[h] + 1) if twin_first_list[h] >= 0 else ()
        shared_second = ""
        pair = rnd.random()
        used: set[str] = set()  # no two people of one household named alike
        for k in range(n):
            i = person + k
            r, is_male = roles[i], males[i]
            if r == CHILD and child_indices[i] in twins:
                first_twin = child_indices[i] == twins[0]
                if first_twin:
                    shared_second = second_name(rnd, flavour, is_male) if rnd.random() < 0.5 else ""
                other_male = males[i + 1] if first_twin else males[i - 1]
                names.append(twin_name(flavour, is_male, other_male, first_twin, pair, shared_second, family,
                                       child_indices[i]))
                used.add(names[-1])
                continue
            # children and a male head carry the family's clan, family name or Andi; a wife, a
            # widow heading the household and a parent their own
            own_family = family if r == CHILD or (r == HEAD and is_male) else ""
            if flavour == "bugis" and not own_family and rnd.random() < 0.2:
                own_family = "Andi"
            order = child_indices[i] if r == CHILD else int(rnd.random() ** 1.5 * 4)
            name = person_name(rnd, flavour, is_male, own_family, order)
            for _ in range(8):
                if name not in used:
                    break
                name = person_name(rnd, flavour, is_male, own_family, order)
            used.add(name)
            names.append(name)
        families.append((flavour, family))
        person += n
    return names, families


def second_name(rnd: random.Random, flavour: str, male: bool) -> str:
    pools = POOLS[flavour if flavour in ("jawa", "sunda", "madura") else "muslim"]
    return pools["m_second" if male else "f_second"].pick(rnd)


def twin_name(flavour: str, male: bool, other_male: bool, first: bool, draw: float, shared_second: str,
              family: str, order: int) -> str:
    """One twin's name: `draw` (the same for both twins) picks their pair of given names."""
    if male != other_male:
        pair = TWINS_MF[int(draw * len(TWINS_MF))]
        given = pair[0] if male else pair[1]
    else:
        pairs = TWINS_MM if male else TWINS_FF
        pair = pairs[int(draw * len(pairs))]
        given = pair[0] if first else pair[1]
    if flavour == "batak":
        return f"{given} {family}" if male else f"{given} br {family}"
    if flavour == "ntt":
        return f"{given} {family}"
    if flavour == "bali":
        return f"{'I' if male else 'Ni'} {BALI_ORDER[order % 4][0]} {given}"
    prefix = "Andi " if family == "Andi" else ""
    return f"{prefix}{given} {shared_second}".strip()


def person_name(rnd: random.Random, flavour: str, male: bool, family: str, order: int) -> str:
    sex = "m" if male else "f"
    if flavour == "batak":
        pools = POOLS["batak"]
        clan = family or pools["clan"].pick(rnd)
        if male:
            given = pools["m_given"].pick(rnd)
            if rnd.random() < 0.5:
                given += " " + pools["m_second"].pick(rnd)
            return f"{given} {clan}"
        return f"{pools['f_given'].pick(rnd)} br {clan}"
    if flavour == "ntt":
        pools = POOLS["ntt"]
        return f"{pools[sex + '_given'].pick(rnd)} {family or pools['family'].pick(rnd)}"
    if flavour == "bali":
        orders = BALI_ORDER[order % 4]
        return f"{'I' if male else 'Ni'} {orders[rnd.randrange(len(orders))]} {POOLS['bali'][sex + '_given'].pick(rnd)}"
    if flavour == "bugis":
        base = (POOLS["bugis"][sex + "_given"].pick(rnd) if rnd.random() < 0.6 else
                plain_name(rnd, POOLS["muslim"], sex))
        return f"Andi {base}" if family == "Andi" else base
    pools = POOLS["muslim"] if rnd.random() < MUSLIM_MIX[flavour] else POOLS[flavour]
    return plain_name(rnd, pools, sex)


def plain_name(rnd: random.Random, pools: dict[str, Pool], sex: str) -> str:
    u = rnd.random()
    if u < 0.3 or (f"{sex}_single" not in pools and u < 0.45):
        return pools[f"{sex}_full"].pick(rnd)
    if u < 0.6 and f"{sex}_single" in pools:
        return pools[f"{sex}_single"].pick(rnd)
    return f"{pools[f'{sex}_first'].pick(rnd)} {pools[f'{sex}_second'].pick(rnd)}"


def with_title(rnd: random.Random, name: str, male: bool) -> str:
    if rnd.random() < 0.6:
        return f"{rnd.choice(TITLES_MALE if male else TITLES_FEMALE)} {name}"
    return f"{name}, {rnd.choice(TITLES_AFTER)}"


# --- name noise ---------------------------------------------------------------------------------------------


def words_of(name: str) -> list[str]:
    return name.replace(",", " ").split()


def is_title(word: str) -> bool:
    return word.upper() in TITLE_WORDS


BALI_ORDER_WORDS = frozenset(w.upper() for names in BALI_ORDER for w in names)
# First words too common to be a name alone: a name is not cut down to one of these.
GENERIC = MUHAMMAD_UPPER | {"SITI", "SITTI", "SRI", "NUR", "NURUL", "ABDUL", "ABD.", "AHMAD", "ACHMAD", "ACH.", "MAT",
                            "UMI", "UMMI", "DWI", "TRI", "EKO", "MARIA"}
MARKERS = frozenset({"I", "NI", "BR", "BR.", "BORU", "ANDI", "A.", "DG."}) | BALI_ORDER_WORDS


def plain_words(words: list[str]) -> list[int]:
    """Positions of the words that are names proper: not titles, not I/Ni/br/Andi, not a Balinese
    birth-order name (those are not moved or dropped on their own)."""
    return [i for i, w in enumerate(words)
            if not is_title(w) and w.upper() not in MARKERS and (i == 0 or words[i - 1].upper() != "DG.")]


def name_operations(name: str, flavour: str) -> list[tuple[str, float]]:
    words = [w for w in words_of(name) if not is_title(w)]
    upper = name.upper()
    ops: list[tuple[str, float]] = [("title", 0.20), ("typo", 0.25)]
    if any(w.upper() in MUHAMMAD_UPPER for w in words):
        ops.append(("muhammad", 0.6))
    if any(OLD_PATTERN.search(w) for w in words):
        ops.append(("old_spelling", 0.15))
    if " BR " in upper or " BR. " in upper or " BORU " in upper:
        ops.append(("br", 0.4))
    if upper.startswith(("I ", "NI ")):
        ops.append(("bali", 0.4))
    if flavour == "bugis":
        ops.append(("bugis", 0.4))
    plain = plain_words(words)
    if len(plain) >= 2:
        ops.append(("word_order", 0.10))
        if any(words[i].upper() not in GENERIC for i in plain[:-1]):
            ops.append(("last_dropped", 0.15))
    return ops


def vary_name(rnd: random.Random, name: str, male: bool, flavour: str, count: int) -> tuple[str, list[str]]:
    """`count` distinct changes of the kinds an agency's file has; the new name and their labels."""
    done: list[str] = []
    for _ in range(count):
        ops = [(op, w) for op, w in name_operations(name, flavour) if op not in done]
        op = rnd.choices([o for o, _ in ops], weights=[w for _, w in ops])[0]
        name = apply_name_operation(rnd, op, name, male)
        done.append(op)
    return name, done


def apply_name_operation(rnd: random.Random, op: str, name: str, male: bool) -> str:
    words = words_of(name)
    if op == "title":
        if any(is_title(w) for w in words):
            return " ".join(w for w in words if not is_title(w))
        if rnd.random() < 0.55:
            pool = (*TITLES_MALE, *HONORIFICS_MALE) if male else (*TITLES_FEMALE, *HONORIFICS_FEMALE)
            return f"{rnd.choice(pool)} {name}"
        return f"{name}{rnd.choice((', ', ' '))}{rnd.choice(TITLES_AFTER)}"
    if op == "muhammad":
        return " ".join(rnd.choice([m for m in MUHAMMAD if m.upper() != w.upper()]) if w.upper() in MUHAMMAD_UPPER
                        else w for w in words)
    if op == "old_spelling":
        candidates = [i for i, w in enumerate(words) if OLD_PATTERN.search(w) and not is_title(w)]
        chosen = candidates if rnd.random() < 0.3 else [rnd.choice(candidates)]
        for i in chosen:
            words[i] = old_spelling(rnd, words[i])
        return " ".join(words)
    if op == "br":
        lowered = [w.lower() for w in words]
        for marker in ("br", "br.", "boru"):
            if marker in lowered:
                i = lowered.index(marker)
                words[i:i + 1] = rnd.choice(([], ["boru"], ["br."], ["Br"]) if marker != "boru" else ([], ["br"]))
                break
        return " ".join(words)
    if op == "bali":
        return " ".join(words[1:])
    if op == "bugis":
        if words[0].upper() == "ANDI":
            return " ".join(words[1:]) if rnd.random() < 0.6 else " ".join(["A.", *words[1:]])
        return f"{name} Dg. {rnd.choice(DAENG)}"
    if op == "typo":
        return typo(rnd, name)
    plain = plain_words(words)
    if op == "word_order":
        a = rnd.randrange(len(plain) - 1)
        words[plain[a]], words[plain[a + 1]] = words[plain[a + 1]], words[plain[a]]
        return " ".join(words)
    if op == "last_dropped":
        last = plain[-1]
        drop = 2 if last >= 1 and words[last - 1].lower() in ("br", "br.", "boru") else 1
        return " ".join(words[:last + 1 - drop] + words[last + 1:])
    raise ValueError(op)


def old_spelling(rnd: random.Random, word: str) -> str:
    """Pre-1972 spelling, each rule kept with probability 0.75 (at least one): Suparno → Soeparno,
    Joko → Djoko, Cahyono → Tjahjono, Syamsul → Sjamsul, Khoirul → Choirul."""
    matches = list(OLD_PATTERN.finditer(word))
    keep = [rnd.random() < 0.75 for _ in matches]
    if not any(keep):
        keep[rnd.randrange(len(keep))] = True
    out, last = [], 0
    for m, k in zip(matches, keep, strict=True):
        out.append(word[last:m.start()])
        text = m.group()
        new = OLD_SPELLING[text.lower()] if k else text
        out.append(new.capitalize() if k and text[0].isupper() else (new.upper() if k and text.isupper() else new))
        last = m.end()
    out.append(word[last:])
    return "".join(out)


LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(rnd: random.Random, name: str) -> str:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    i = rnd.choice(letters[1:] if len(letters) > 1 else letters)
    kind = rnd.random()
    c = rnd.choice(LETTERS)
    c = c.upper() if name[i].isupper() else c
    if kind < 0.45:
        while c.lower() == name[i].lower():
            c = rnd.choice(LETTERS)
        return name[:i] + c + name[i + 1:]
    if kind < 0.75:
        return name[:i] + name[i + 1:]
    return name[:i] + c + name[i:]


# --- other noise --------------------------------------------------------------------------------------------


def noisy_nik(rnd: random.Random, kind: str, nik: str, male: bool, kk: str, family: str | None) -> str:
    if kind == "blank":
        return rnd.choice(("", "", "-", "0"))
    if kind == "excel":
        if nik[-1] != "0" and rnd.random() < 0.5:
            return nik[:15] + "0"
        mantissa = f"{int(nik) / 1e15:.5f}".rstrip("0").rstrip(".")
        return f"{mantissa}E+15"
    if kind == "digit":
        i = rnd.randrange(16)
        return nik[:i] + rnd.choice([d for d in "0123456789" if d != nik[i]]) + nik[i + 1:]
    if kind == "swap":
        pairs = [i for i in range(15) if nik[i] != nik[i + 1]]
        i = rnd.choice(pairs)
        return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2:]
    if kind == "no_plus40" and not male:
        return f"{nik[:6]}{int(nik[6:8]) - 40:02d}{nik[8:]}"
    if kind == "kk":
        return kk
    if kind == "family" and family:
        return family
    if kind == "formatted":
        return rnd.choice((f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}",
                           f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}.{nik[6:12]}.{nik[12:]}", f"'{nik}", f" {nik} "))
    return nik


def written_date(rnd: random.Random, d: date) -> str:
    u = rnd.random()
    if u < 0.75:
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if u < 0.90:
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return d.isoformat()


def date_noise(rng: np.random.Generator, births: list[date]) -> npt.NDArray[np.str_]:
    """DATE_NOISE for each record; day and month can only swap when the day is 12 or less and not the
    month, so those records carry the whole share of swaps."""
    swappable = np.array([d.day <= 12 and d.day != d.month for d in births], dtype=np.bool_)
    swap_share = dict(DATE_NOISE)["day_month"]
    boosted = min(0.9, swap_share * len(births) / max(1, int(swappable.sum())))
    others = tuple((k, p * (1 - boosted) / (1 - swap_share)) for k, p in DATE_NOISE if k != "day_month")
    kinds = draw(rng, tuple((k, p) for k, p in DATE_NOISE if k != "day_month"), len(births))
    eligible = draw(rng, (*others, ("day_month", boosted)), len(births))
    return np.asarray(np.where(swappable, eligible, kinds))


def noisy_date(rnd: random.Random, kind: str, d: date) -> tuple[str, str]:
    """The written date and the noise actually applied (day/month cannot swap when day > 12)."""
    if kind == "blank":
        return "", kind
    if kind == "year_only":
        return str(d.year), kind
    if kind == "day_month" and d.day <= 12 and d.day != d.month:
        return written_date(rnd, date(d.year, d.day, d.month)), kind
    if kind == "typo":
        for _ in range(20):
            text = d.strftime("%d%m%Y")
            i = rnd.randrange(8)
            text = text[:i] + rnd.choice([c for c in "0123456789" if c != text[i]]) + text[i + 1:]
            try:
                typed = date(int(text[4:]), int(text[2:4]), int(text[:2]))
            except ValueError:
                continue
            if 1930 <= typed.year <= 2025:
                return written_date(rnd, typed), kind
    return written_date(rnd, d), "correct"


def noisy_sex(rnd: random.Random, kind: str, male: bool) -> str:
    if kind == "blank":
        return ""
    if kind == "wrong":
        male = not male
    long_form = rnd.random() < 0.35
    return ("LAKI-LAKI" if male else "PEREMPUAN") if long_form else ("L" if male else "P")


def noisy_village(rnd: random.Random, kind: str, geo: Geography, village: int) -> str:
    code = geo.villages[village]
    district = int(geo.village_district[village])
    if kind == "blank":
        return ""
    if kind == "district":
        code = geo.districts[district]
    elif kind == "neighbour":
        around = geo.district_villages[district].tolist()
        if len(around) > 1:
            i = around.index(village)
            code = geo.villages[around[i + 1] if i + 1 < len(around) and (i == 0 or rnd.random() < 0.5)
                                else around[i - 1]]
    elif kind == "regency":
        others = [v for v in geo.regency_villages[int(geo.district_regency[district])].tolist()
                  if geo.village_district[v] != district]
        if others:
            code = geo.villages[rnd.choice(others)]
    return code.replace(".", "") if rnd.random() < 0.2 else code


def noisy_address(rnd: random.Random, kind: str, address: Address, village: str) -> str:
    if kind == "varied":
        return address.varied(rnd, village)
    if kind == "blank":
        return ""
    if kind == "business":
        return business_address(rnd, village)
    return address.canonical()


def noisy_name_case(rnd: random.Random, name: str) -> str:
    u = rnd.random()
    return name.upper() if u < 0.6 else (name.lower() if u < 0.63 else name)


# --- the agency's file (B) ----------------------------------------------------------------------------------


@dataclass
class Subject:
    """A B record's true person before noise."""

    kind: str  # match, namesake, family, outsider
    person: int  # index into A for a match, else -1
    name: str
    male: bool
    birth: date
    nik: str
    kk: str
    family_nik: str | None
    village: int
    address: Address
    flavour: str


def family_nik_of(reg: Registry, person: int, rnd: random.Random) -> str | None:
    """The NIK a clerk might type instead: the spouse's, else another family member's."""
    members = reg.household_members[int(reg.household[person])].tolist()
    others = [m for m in members if m != person]
    if not others:
        return None
    role = int(reg.role[person])
    want = SPOUSE if role == HEAD else HEAD if role == SPOUSE else None
    preferred = [m for m in others if reg.role[m] == want]
    return reg.nik[(preferred or [rnd.choice(others)])[0]]


def agency_subjects(rng: np.random.Generator, rnd: random.Random, geo: Geography, reg: Registry,
                    records: int) -> list[Subject]:
    matches = round(records * MATCH_SHARE)
    age = (REFERENCE - reg.birth).astype(np.int64) / DAYS_PER_YEAR
    adult = age >= 18
    role_weight = np.array([1.0, 0.8, 0.25, 0.3])[reg.role]  # heads and spouses own enterprises
    weights = np.where(adult, role_weight, 0.0)
    if int(adult.sum()) < matches:
        weights = np.where(adult, role_weight, 0.01)
    chosen = weighted_sample(rng, weights, matches)
    birth_dates: list[date] = reg.birth.tolist()
    subjects = [
        Subject("match", i, reg.name[i], bool(reg.male[i]), birth_dates[i], reg.nik[i], reg.kk[i],
                family_nik_of(reg, i, rnd), int(reg.village[i]), reg.address[int(reg.household[i])],
                flavour_of(geo, int(reg.village[i])))
        for i in chosen.tolist()
    ]
    kinds = draw(rng, NONMATCH_KINDS, records - matches)
    namesakes = weighted_sample(rng, np.where(adult, 1.0, 0.0), int((kinds == "namesake").sum()))
    adult_heads = np.flatnonzero((reg.role == HEAD) & adult)
    families = rng.choice(adult_heads, size=int((kinds == "family").sum()), replace=False)
    pending: list[tuple[Subject, str]] = []  # subjects whose NIK is drawn below, and their NIK's district
    for i in namesakes.tolist():
        pending.append(namesake(rng, rnd, geo, reg, i, birth_dates[i]))
    for head in families.tolist():
        pending.append(family_member(rng, rnd, geo, reg, head, birth_dates[head]))
    for _ in range(int((kinds == "outsider").sum())):
        pending.append(outsider(rng, rnd, geo))
    assign_new_niks(rng, reg, pending)
    subjects.extend(s for s, _ in pending)
    return subjects


def adult_birth(rng: np.random.Generator, low: float = 20, high: float = 72) -> date:
    days = int(rng.uniform(low, high) * DAYS_PER_YEAR)
    return REFERENCE_DATE - timedelta(days=days)


def new_kk(rng: np.random.Generator, geo: Geography, village: int) -> str:
    issued = date(2008, 1, 1) + timedelta(days=int(rng.integers(0, 6200)))
    district = district_number(geo.districts[int(geo.village_district[village])])
    return f"{district}{issued.strftime('%d%m%y')}{int(rng.integers(5000, 10000)):04d}"


def namesake(rng: np.random.Generator, rnd: random.Random, geo: Geography, reg: Registry, i: int,
             birth: date) -> tuple[Subject, str]:
    """Somebody else in the same district with the same (30%: a near) name, born another day."""
    village = int(reg.village[i])
    flavour = flavour_of(geo, village)
    name = reg.name[i] if rnd.random() < 0.7 else vary_name(rnd, reg.name[i], bool(reg.male[i]), flavour, 1)[0]
    u = rnd.random()
    if u < 0.5:
        other = adult_birth(rng)
    elif u < 0.8:
        other = date(birth.year, 1, 1) + timedelta(days=rnd.randrange(365))
    else:
        year = birth.year + rnd.choice((-1, 1)) * rnd.randint(1, 10)
        other = date(min(max(year, 1940), 2005), birth.month, min(birth.day, 28))
    if other == birth:
        other += timedelta(days=rnd.randint(1, 300))
    district = int(geo.village_district[village])
    if rnd.random() >= 0.6:
        village = rnd.choice(geo.district_villages[district].tolist())
    subject = Subject("namesake", -1, name, bool(reg.male[i]), other, "", new_kk(rng, geo, village), None, village,
                      household_address(rnd, geo, village), flavour)
    return subject, geo.districts[district]


def family_member(rng: np.random.Generator, rnd: random.Random, geo: Geography, reg: Registry, head: int,
                  head_birth: date) -> tuple[Subject, str]:
    """Somebody of a registry household who is not in the registry (a new spouse, a grown child back
    home): the household's address, village and No. KK."""
    village = int(reg.village[head])
    flavour = flavour_of(geo, village)
    household = int(reg.household[head])
    family_name = reg.given_family[household][1]
    head_male = bool(reg.male[head])
    head_age = (REFERENCE_DATE - head_birth).days / DAYS_PER_YEAR
    if rnd.random() < 0.5 or head_age < 38:  # a new spouse
        male = not head_male
        birth = adult_birth(rng, max(18, head_age - 12), min(80, head_age + 8))
        name = person_name(rnd, flavour, male, "", int(rnd.random() ** 1.5 * 4))
    else:  # a grown child
        male = rnd.random() < 0.5
        birth = adult_birth(rng, 18, max(19, head_age - 19))
        inherited = family_name if head_male or flavour == "bugis" else ""
        name = person_name(rnd, flavour, male, inherited, rnd.randrange(4))
    members = reg.household_members[household].tolist()
    subject = Subject("family", -1, name, male, birth, "", reg.kk[head], reg.nik[rnd.choice(members)], village,
                      reg.address[household], flavour)
    return subject, geo.districts[int(geo.village_district[village])]


def outsider(rng: np.random.Generator, rnd: random.Random, geo: Geography) -> tuple[Subject, str]:
    village = int(rng.integers(len(geo.villages)))
    flavour = flavour_of(geo, village)
    male = rnd.random() < 0.55
    name = person_name(rnd, flavour, male, "", rnd.randrange(4))
    subject = Subject("outsider", -1, name, male, adult_birth(rng), "", new_kk(rng, geo, village), None, village,
                      household_address(rnd, geo, village), flavour)
    return subject, geo.districts[int(geo.village_district[village])]


def assign_new_niks(rng: np.random.Generator, reg: Registry, pending: list[tuple[Subject, str]]) -> None:
    """NIKs for people not in A: their district and birth date, a serial after the registry's."""
    taken: dict[str, int] = {}
    for nik in reg.nik:
        prefix, serial = nik[:12], int(nik[12:])
        if serial > taken.get(prefix, 0):
            taken[prefix] = serial
    for subject, district in pending:
        d = subject.birth
        prefix = f"{district.replace('.', '')}{d.day + (0 if subject.male else 40):02d}{d.month:02d}{d.year % 100:02d}"
        serial = taken.get(prefix, int(rng.integers(0, 20))) + 1
        taken[prefix] = serial
        subject.nik = f"{prefix}{serial:04d}"


# --- the whole ------------------------------------------------------------------------------------------------


def generate(people: int, records: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame,
                                                           pl.DataFrame, dict[str, Any]]:
    """a, b, truth, noise and counts for `people` registry people and `records` agency records."""
    rng = np.random.default_rng(seed)
    geo = load_geography(rng, people)
    reg = registry(rng, geo, people)
    rnd = random.Random(int(rng.integers(2**62)))
    subjects = agency_subjects(rng, rnd, geo, reg, records)
    order = rng.permutation(len(subjects))
    subjects = [subjects[i] for i in order.tolist()]
    n = len(subjects)
    nik_kind, name_kind = draw(rng, NIK_NOISE, n), draw(rng, NAME_NOISE, n)
    date_kind = date_noise(rng, [s.birth for s in subjects])
    sex_kind, village_kind = draw(rng, SEX_NOISE, n), draw(rng, VILLAGE_NOISE, n)
    address_kind = draw(rng, ADDRESS_NOISE, n)
    b_rows: list[tuple[str, ...]] = []
    noise_rows: list[tuple[str, ...]] = []
    truth: list[tuple[str, str | None]] = []
    for k, s in enumerate(subjects):
        rec_id = f"B{k + 1:06d}"
        nik = noisy_nik(rnd, str(nik_kind[k]), s.nik, s.male, s.kk, s.family_nik)
        nik_label = str(nik_kind[k])
        if nik == s.nik and nik_label != "correct":
            nik_label = "correct"  # a man's day has no +40 to drop; nobody's NIK to type instead
        changes = {"same": 0, "one": 1, "two": 2}[str(name_kind[k])]
        name, ops = vary_name(rnd, s.name, s.male, s.flavour, changes) if changes else (s.name, [])
        written, date_label = noisy_date(rnd, str(date_kind[k]), s.birth)
        village_name = geo.village_names[s.village]
        address = noisy_address(rnd, str(address_kind[k]), s.address, village_name)
        b_rows.append((rec_id, noisy_name_case(rnd, name), nik, written, noisy_sex(rnd, str(sex_kind[k]), s.male),
                       address, noisy_village(rnd, str(village_kind[k]), geo, s.village)))
        noise_rows.append((rec_id, s.kind, nik_label, "+".join(sorted(ops)) or "same", date_label, str(sex_kind[k]),
                           str(village_kind[k]), str(address_kind[k])))
        truth.append((rec_id, reg.person_id[s.person] if s.person >= 0 else None))
    a = pl.DataFrame({
        "person_id": reg.person_id, "nik": reg.nik, "kk_number": reg.kk, "full_name": reg.name,
        "sex": np.where(reg.male, "L", "P").tolist(), "birth_date": np.datetime_as_string(reg.birth).tolist(),
        "address": [reg.address[h].canonical() for h in reg.household.tolist()],
        "village_code": [geo.villages[v] for v in reg.village.tolist()],
    })
    b = pl.DataFrame(b_rows, schema=["rec_id", "nama", "nik", "tgl_lahir", "jenis_kelamin", "alamat",
                                     "kode_wilayah"], orient="row")
    truth_frame = pl.DataFrame(truth, schema={"rec_id": pl.String, "person_id": pl.String}, orient="row")
    noise = pl.DataFrame(noise_rows, schema=["rec_id", "kind", "nik", "name", "birth_date", "sex", "village",
                                             "address"], orient="row")
    kinds = noise["kind"].value_counts()
    meta: dict[str, Any] = {
        "a": people, "b": records, "seed": seed, "districts": len(geo.districts), "villages": len(geo.villages),
        "households": len(reg.household_members), "twin_households": reg.household_twins,
        "twins_in_b": twins_in_b(reg, subjects),
        "b_kinds": dict(zip(kinds["kind"].to_list(), kinds["count"].to_list(), strict=True)),
    }
    return a, b, truth_frame, noise, meta


def twins_in_b(reg: Registry, subjects: list[Subject]) -> int:
    matched = {s.person for s in subjects if s.person >= 0}
    return sum((first in matched) + (second in matched) for first, second in reg.twin_pairs)


FILES = ("a.csv", "b.csv", "truth.csv", "noise.csv", "meta.json")


def write(out: Path, people: int, records: int, seed: int) -> dict[str, Any]:
    """Generate and write the files into `out`; the meta (with the seconds taken)."""
    started = time.perf_counter()
    a, b, truth, noise, meta = generate(people, records, seed)
    out.mkdir(parents=True, exist_ok=True)
    a.write_csv(out / "a.csv")
    b.write_csv(out / "b.csv")
    truth.write_csv(out / "truth.csv")
    noise.write_csv(out / "noise.csv")
    meta["seconds"] = round(time.perf_counter() - started, 2)
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def existing(out: Path, people: int, records: int, seed: int) -> dict[str, Any] | None:
    """The meta of files already in `out` for this size and seed, else None."""
    if not all((out / f).exists() for f in FILES):
        return None
    meta: dict[str, Any] = json.loads((out / "meta.json").read_text())
    return meta if (meta.get("a"), meta.get("b"), meta.get("seed")) == (people, records, seed) else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a", type=int, default=200_000, help="registry people (file A)")
    parser.add_argument("--b", type=int, default=60_000, help="agency records (file B)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    meta = write(args.out, args.a, args.b, args.seed)
    print(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main()
