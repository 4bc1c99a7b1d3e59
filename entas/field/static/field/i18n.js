/*
 * Every word the field app shows: Bahasa Indonesia first, English second. The language is the one the
 * facilitator chose with the toggle, else English only for a phone set to English.
 */
(function (root) {
  "use strict";

  const EF = (root.EntasField = root.EntasField || {});
  const SAVED = "entas-field-language";

  const TEXTS = {
    id: {
      "app.role": "Pendamping",
      "language.switch": "EN",
      "language.label": "Switch to English",
      "net.online": "Terhubung",
      "net.offline": "Tidak ada sinyal",
      "net.unreachable": "Server tidak terjangkau",
      "update.text": "Versi baru tersedia — muat ulang",
      "update.button": "Muat ulang",

      "signin.title": "Masuk ke aplikasi pendamping",
      "signin.lead": "Pertama kali di ponsel ini: masuk dengan akun Entas Anda. Setelah itu aplikasi bisa dipakai tanpa sinyal.",
      "signin.username": "Nama pengguna",
      "signin.password": "Kata sandi",
      "signin.label": "Nama ponsel ini",
      "signin.label_hint": "Misalnya: Ponsel Samsung Rina. Nama ini tampil di daftar perangkat.",
      "signin.submit": "Masuk",
      "signin.missing": "Isi nama pengguna, kata sandi dan nama ponsel.",
      "signin.offline": "Tidak ada sinyal. Masuk pertama kali membutuhkan koneksi internet.",
      "signin.working": "Sedang masuk…",

      "pin_setup.title": "Buat PIN",
      "pin_setup.lead": "PIN 6 angka mengunci data keluarga dampingan di ponsel ini. Jangan berikan PIN kepada siapa pun.",
      "pin_setup.pin": "PIN (6 angka)",
      "pin_setup.again": "Ketik ulang PIN",
      "pin_setup.submit": "Simpan PIN",
      "pin_setup.format": "PIN harus tepat 6 angka.",
      "pin_setup.mismatch": "Kedua PIN tidak sama. Ketik ulang.",
      "pin_setup.working": "Menyiapkan kunci…",

      "lock.title": "Masukkan PIN",
      "lock.lead": "Data keluarga dampingan di ponsel ini terkunci.",
      "lock.pin": "PIN",
      "lock.submit": "Buka",
      "lock.wrong": "PIN salah. Sisa percobaan: {left}. Jika habis, semua data di ponsel ini dihapus.",
      "lock.wiped": "PIN salah {max} kali berturut-turut. Semua data di ponsel ini telah dihapus; masuk lagi untuk mengunduh keluarga dampingan.",
      "lock.working": "Memeriksa PIN…",
      "lock.idle": "Aplikasi dikunci setelah 5 menit di latar belakang.",

      "home.greeting": "Halo, {name}",
      "home.greeting_plain": "Keluarga dampingan",
      "home.last_sync": "Sinkron terakhir",
      "home.never": "Belum pernah",
      "home.pending": "Perubahan tertunda",
      "home.errors": "Kesalahan",
      "home.sync": "Sinkronkan",
      "home.syncing": "Menyinkronkan…",
      "home.conflicts": "Menunggu keputusan supervisor",
      "home.conflicts_hint": "Konflik: keluarga ini berubah di server sejak sinkron terakhir. Perubahan Anda tidak hilang; supervisor akan memutuskan.",
      "home.errors_title": "Kesalahan: perubahan yang ditolak server",
      "home.due": "Perlu ditindaklanjuti",
      "home.due_none": "Tidak ada yang jatuh tempo.",
      "home.families": "Keluarga dampingan ({n})",
      "home.families_none": "Belum ada data keluarga. Tekan Sinkronkan saat ada sinyal.",
      "home.more": "… dan {n} lainnya",
      "home.dismiss": "Tutup",
      "home.dismiss_all": "Tutup semua kesalahan",
      "home.hide": "Sembunyikan",
      "home.decided": "Keputusan supervisor ({when}): {label}. Catatan: {note}",
      "home.last_visit": "kunjungan terakhir {date}",
      "home.no_visit": "belum dikunjungi",

      "storage.persistent": "Penyimpanan: tetap (browser tidak akan menghapus data ini sendiri).",
      "storage.temporary": "Penyimpanan: sementara (browser bisa menghapusnya bila memori penuh). Sinkronkan sesering mungkin.",

      "sync.progress": "Mengirim {done}/{total}",
      "sync.done": "Sinkron selesai: {applied} diterima, {duplicate} sudah ada, {conflict} konflik, {refused} ditolak.",
      "sync.fresh": "Sinkron selesai: data keluarga dampingan sudah yang terbaru.",
      "sync.offline": "Tidak ada sinyal — perubahan tetap tersimpan di ponsel",
      "sync.server": "Server sedang bermasalah. Perubahan tetap tersimpan di ponsel; coba lagi nanti.",
      "sync.refused": "Server menolak: {error}. Perubahan tetap tersimpan di ponsel.",
      "revoked": "Perangkat ini sudah dicabut atau tidak dikenal. Semua data di ponsel ini telah dihapus; masuk lagi untuk melanjutkan.",

      "logout.button": "Keluar dari ponsel ini",
      "logout.pending": "Masih ada {n} perubahan tertunda yang belum terkirim. Jika keluar sekarang, perubahan itu hilang.",
      "logout.sync_first": "Sinkronkan dulu",
      "logout.anyway": "Tetap keluar",
      "logout.cancel": "Batal",
      "logout.done": "Anda sudah keluar. Data di ponsel ini telah dihapus.",

      "family.back": "← Semua keluarga",
      "family.missing": "Keluarga ini tidak ada lagi di ponsel.",
      "family.nik": "NIK kepala keluarga",
      "family.kk": "No. KK",
      "family.village": "Desa/kelurahan",
      "family.address": "Alamat",
      "family.enrolled": "Terdaftar sejak",
      "family.last_visit": "Kunjungan terakhir",
      "family.graduated": "Tergraduasi pada",
      "family.due": "Jatuh tempo",
      "family.assessment": "Penilaian terakhir",
      "family.no_assessment": "Belum ada penilaian.",
      "family.assessed_on": "Dinilai {date}",
      "family.checklist": "Kriteria graduasi",
      "family.members": "Anggota keluarga",
      "family.age": "{age} th",
      "family.none": "—",

      "checklist.met": "terpenuhi",
      "checklist.unmet": "belum terpenuhi",
      "checklist.missing": "data belum ada",
      "checklist.na": "tidak berlaku",
      "checklist.essential": "wajib",
      "checklist.supporting": "pendukung",
      "checklist.all": "Semua kriteria wajib terpenuhi",
      "checklist.not_all": "Belum semua kriteria wajib terpenuhi",
      "checklist.no_rules": "Program ini belum punya aturan graduasi yang aktif.",
      "checklist.unavailable": "Kriteria tidak dapat dihitung di ponsel ini.",
      "checklist.value": "nilai: {value}",
      "checklist.target": "target {target}",

      "visit.title": "Catat kunjungan dan penilaian",
      "visit.date": "Tanggal kunjungan",
      "visit.notes": "Catatan kunjungan",
      "visit.assessment": "Penilaian",
      "visit.assessment_hint": "Isi yang diketahui, kosongkan yang tidak. Kriteria di atas dihitung ulang saat Anda mengetik.",
      "visit.save": "Simpan kunjungan",
      "visit.saved": "Kunjungan disimpan di ponsel. Akan dikirim saat sinkron.",
      "visit.not_whole": "{field}: tulis bilangan bulat, misalnya 650000.",
      "visit.children": "Anak yang bersekolah tidak boleh lebih banyak dari anak usia sekolah.",

      "measure.per_capita_income": "Pendapatan per orang per bulan (Rp)",
      "measure.income_sources": "Jumlah sumber pendapatan",
      "measure.business_months": "Lama usaha berjalan (bulan)",
      "measure.savings": "Tabungan (Rp)",
      "measure.cooperative_member": "Anggota koperasi",
      "measure.school_age_children": "Jumlah anak usia sekolah",
      "measure.children_in_school": "Anak usia sekolah yang bersekolah",
      "measure.food_shortage": "Pernah kekurangan pangan setahun terakhir",
      "choice.unknown": "Tidak tahu",
      "choice.yes": "Ya",
      "choice.no": "Tidak",

      "date.missing": "Isi tanggal.",
      "date.future": "Tanggal tidak boleh di masa depan: hari ini {today}.",
      "date.before_enrolment": "Tanggal tidak boleh sebelum keluarga terdaftar di program ({date}).",

      "attendance.title": "Catat kehadiran pelatihan",
      "attendance.session": "Sesi pelatihan atau pendampingan",
      "attendance.save": "Catat hadir",
      "attendance.saved": "Kehadiran disimpan di ponsel. Akan dikirim saat sinkron.",
      "attendance.none": "Tidak ada sesi pelatihan di wilayah keluarga ini yang belum dicatat.",
      "attendance.choose": "Pilih sesi.",

      "follow_up.title": "Catat tindak lanjut pasca-graduasi",
      "follow_up.month": "Tindak lanjut",
      "follow_up.m6": "6 bulan",
      "follow_up.m12": "12 bulan",
      "follow_up.m24": "24 bulan",
      "follow_up.date": "Tanggal tindak lanjut",
      "follow_up.save": "Simpan tindak lanjut",
      "follow_up.saved": "Tindak lanjut disimpan di ponsel. Akan dikirim saat sinkron.",
      "follow_up.too_early": "Tindak lanjut {month} bulan baru bisa dicatat mulai {date}.",

      "kind.visit": "Kunjungan",
      "kind.attendance": "Kehadiran pelatihan",
      "kind.follow_up": "Tindak lanjut",
      "error.generic": "Terjadi kesalahan: {error}",
    },
    en: {
      "app.role": "Facilitator",
      "language.switch": "ID",
      "language.label": "Ganti ke Bahasa Indonesia",
      "net.online": "Online",
      "net.offline": "No signal",
      "net.unreachable": "Server unreachable",
      "update.text": "A new version is available — reload",
      "update.button": "Reload",

      "signin.title": "Sign in to the facilitator app",
      "signin.lead": "First time on this phone: sign in with your Entas account. After that the app works without a signal.",
      "signin.username": "Username",
      "signin.password": "Password",
      "signin.label": "Name of this phone",
      "signin.label_hint": "For example: Rina's Samsung. It shows in the list of devices.",
      "signin.submit": "Sign in",
      "signin.missing": "Fill in the username, the password and the phone's name.",
      "signin.offline": "No signal. The first sign-in needs an internet connection.",
      "signin.working": "Signing in…",

      "pin_setup.title": "Choose a PIN",
      "pin_setup.lead": "A 6-digit PIN locks your families' data on this phone. Never give it to anyone.",
      "pin_setup.pin": "PIN (6 digits)",
      "pin_setup.again": "Type the PIN again",
      "pin_setup.submit": "Save PIN",
      "pin_setup.format": "The PIN must be exactly 6 digits.",
      "pin_setup.mismatch": "The two PINs differ. Type them again.",
      "pin_setup.working": "Preparing the lock…",

      "lock.title": "Enter your PIN",
      "lock.lead": "Your families' data on this phone is locked.",
      "lock.pin": "PIN",
      "lock.submit": "Unlock",
      "lock.wrong": "Wrong PIN. Tries left: {left}. When none are left, all data on this phone is wiped.",
      "lock.wiped": "Wrong PIN {max} times in a row. All data on this phone has been wiped; sign in again to download your families.",
      "lock.working": "Checking the PIN…",
      "lock.idle": "The app locked itself after 5 minutes in the background.",

      "home.greeting": "Hello, {name}",
      "home.greeting_plain": "Your families",
      "home.last_sync": "Last sync",
      "home.never": "Never",
      "home.pending": "Pending changes",
      "home.errors": "Errors",
      "home.sync": "Sync",
      "home.syncing": "Syncing…",
      "home.conflicts": "Waiting for the supervisor's decision",
      "home.conflicts_hint": "Conflict: the family changed on the server since your last sync. Your change is not lost; your supervisor decides.",
      "home.errors_title": "Errors: changes the server refused",
      "home.due": "Due",
      "home.due_none": "Nothing is due.",
      "home.families": "Your families ({n})",
      "home.families_none": "No families yet. Press Sync when you have a signal.",
      "home.more": "… and {n} more",
      "home.dismiss": "Dismiss",
      "home.dismiss_all": "Dismiss every error",
      "home.hide": "Hide",
      "home.decided": "Supervisor's decision ({when}): {label}. Note: {note}",
      "home.last_visit": "last visit {date}",
      "home.no_visit": "not visited yet",

      "storage.persistent": "Storage: persistent (the browser will not clear this data by itself).",
      "storage.temporary": "Storage: best effort (the browser may clear it when space runs out). Sync often.",

      "sync.progress": "Sending {done}/{total}",
      "sync.done": "Sync done: {applied} applied, {duplicate} already there, {conflict} conflicts, {refused} refused.",
      "sync.fresh": "Sync done: your families' data is up to date.",
      "sync.offline": "No signal — your changes stay saved on the phone",
      "sync.server": "The server has a problem. Your changes stay saved on the phone; try again later.",
      "sync.refused": "The server refused: {error}. Your changes stay saved on the phone.",
      "revoked": "This device was revoked or is unknown. All data on this phone has been wiped; sign in again to continue.",

      "logout.button": "Sign out of this phone",
      "logout.pending": "There are still {n} pending changes not sent. If you sign out now, they are lost.",
      "logout.sync_first": "Sync first",
      "logout.anyway": "Sign out anyway",
      "logout.cancel": "Cancel",
      "logout.done": "You are signed out. The data on this phone has been wiped.",

      "family.back": "← All families",
      "family.missing": "This family is no longer on the phone.",
      "family.nik": "Head's NIK",
      "family.kk": "Family card (KK) no.",
      "family.village": "Village",
      "family.address": "Address",
      "family.enrolled": "Enrolled on",
      "family.last_visit": "Last visit",
      "family.graduated": "Graduated on",
      "family.due": "Due",
      "family.assessment": "Latest assessment",
      "family.no_assessment": "No assessment yet.",
      "family.assessed_on": "Assessed {date}",
      "family.checklist": "Graduation criteria",
      "family.members": "Members",
      "family.age": "{age} yrs",
      "family.none": "—",

      "checklist.met": "met",
      "checklist.unmet": "not met",
      "checklist.missing": "missing",
      "checklist.na": "does not apply",
      "checklist.essential": "essential",
      "checklist.supporting": "supporting",
      "checklist.all": "Every essential criterion is met",
      "checklist.not_all": "Not every essential criterion is met",
      "checklist.no_rules": "This programme has no active graduation rules yet.",
      "checklist.unavailable": "The criteria cannot be worked out on this phone.",
      "checklist.value": "value: {value}",
      "checklist.target": "target {target}",

      "visit.title": "Record a visit and assessment",
      "visit.date": "Visit date",
      "visit.notes": "Visit notes",
      "visit.assessment": "Assessment",
      "visit.assessment_hint": "Fill in what you know and leave the rest empty. The criteria above are worked out again as you type.",
      "visit.save": "Save visit",
      "visit.saved": "Visit saved on the phone. It is sent at the next sync.",
      "visit.not_whole": "{field}: write a whole number, for example 650000.",
      "visit.children": "There cannot be more children in school than school-age children.",

      "measure.per_capita_income": "Income per person per month (Rp)",
      "measure.income_sources": "Number of income sources",
      "measure.business_months": "Months the business has run",
      "measure.savings": "Cash savings (Rp)",
      "measure.cooperative_member": "Cooperative member",
      "measure.school_age_children": "School-age children",
      "measure.children_in_school": "School-age children in school",
      "measure.food_shortage": "Food shortage in the past year",
      "choice.unknown": "Unknown",
      "choice.yes": "Yes",
      "choice.no": "No",

      "date.missing": "Fill in the date.",
      "date.future": "The date cannot be in the future: today is {today}.",
      "date.before_enrolment": "The date cannot be before the family was enrolled ({date}).",

      "attendance.title": "Record training attendance",
      "attendance.session": "Training or mentoring session",
      "attendance.save": "Record attendance",
      "attendance.saved": "Attendance saved on the phone. It is sent at the next sync.",
      "attendance.none": "No training session in this family's area is left to record.",
      "attendance.choose": "Choose a session.",

      "follow_up.title": "Record a follow-up after graduation",
      "follow_up.month": "Follow-up",
      "follow_up.m6": "6 months",
      "follow_up.m12": "12 months",
      "follow_up.m24": "24 months",
      "follow_up.date": "Follow-up date",
      "follow_up.save": "Save follow-up",
      "follow_up.saved": "Follow-up saved on the phone. It is sent at the next sync.",
      "follow_up.too_early": "The {month}-month follow-up can be recorded from {date}.",

      "kind.visit": "Visit",
      "kind.attendance": "Training attendance",
      "kind.follow_up": "Follow-up",
      "error.generic": "Something went wrong: {error}",
    },
  };

  function saved() {
    try {
      return root.localStorage.getItem(SAVED);
    } catch (unavailable) {
      return null;
    }
  }

  function chosen() {
    const lang = saved();
    if (lang && TEXTS[lang]) return lang;
    return /^en\b/i.test(navigator.language || "") ? "en" : "id";
  }

  const i18n = {
    lang: chosen(),
    TEXTS,
    get locale() {
      return this.lang === "en" ? "en-GB" : "id-ID";
    },
  };

  function t(key, vars) {
    const text = TEXTS[i18n.lang][key] ?? TEXTS.id[key] ?? key;
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
  }

  function apply(scope) {
    scope.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
    document.documentElement.lang = i18n.lang;
  }

  function set(lang) {
    if (!TEXTS[lang]) return;
    i18n.lang = lang;
    try {
      root.localStorage.setItem(SAVED, lang);
    } catch (unavailable) {
      // a private window without storage: the choice lasts until the page closes
    }
  }

  Object.assign(i18n, { t, apply, set });
  EF.i18n = i18n;
})(self);
