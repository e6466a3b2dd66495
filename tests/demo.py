"""What the demo visit file (demo/studi-komparasi-buleleng-malang.yaml) says, as several tests check it."""

DEMO_TITLE = "Studi Komparasi Pemerintah Kabupaten Buleleng ke Pemerintah Kota Malang"
DEMO_AGENDA_TITLES = [
    "Rombongan tiba dan mengisi daftar hadir",
    "Pembukaan dan sambutan selamat datang Sekretaris Daerah",
    "Sambutan Wakil Bupati Buleleng dan maksud kunjungan",
    "Paparan Diskominfo: arah pembangunan kota, Ngalam Pinter dan SPBE, kehumasan",
    "Diskusi dan tanya jawab",
    "Penyerahan cendera mata dan foto bersama",
    "Kunjungan ke ruang Ngalam Command Center",
]
