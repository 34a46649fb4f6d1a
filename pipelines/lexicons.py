"""Hand-written word lists for language identification and normalisation (Indonesian and its neighbours).

Weights say how much a word points at a language: 3 = a marker that rarely appears elsewhere,
2 = typical but shared with a close neighbour, 1 = common but widely shared. Words shared by
Indonesian, Malay and Banjar (dan, yang, ini, itu…) sit in the Indonesian list only; the regional
lists hold what tells them apart. Multi-word markers ("kaya apa") are matched as bigrams.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _weighted(spec: dict[int, str]) -> dict[str, int]:
    table: dict[str, int] = {}
    for weight, words in spec.items():
        for word in words.split():
            table[word] = max(weight, table.get(word, 0))
    return table


INDONESIAN = _weighted(
    {
        1: """yang dan di dari ini itu akan dengan untuk pada ada juga bisa sudah kami kita mereka saya
        anda kamu dia ia atau jika kalau tapi tetapi saja sangat lebih semua harus jangan bagi oleh para
        sebagai dalam kepada tersebut agar supaya karena bahwa sebelum sesudah setelah hari besok kemarin
        sekarang warga masyarakat pemerintah berita informasi kabar info mohon segera tolong terima kasih
        benar belum masih lagi banyak sedikit baru lama orang rumah jalan air listrik bantuan dana mau
        uang desa kota kabupaten provinsi kecamatan kelurahan dinas kantor bupati wali gubernur presiden
        menteri polisi rakyat sekolah anak ibu bapak pak bu tahun bulan minggu jam pagi siang sore malam
        apa siapa kapan mana bagaimana kenapa mengapa berapa satu dua tiga empat lima ribu juta miliar
        sehat sakit vaksin obat virus hoaks hoax fakta klarifikasi penipuan waspada hati sama buat
        beredar viral pesan grup sebar sebarkan bagikan daftar link tautan klik gratis cair hadiah
        pendaftaran program resmi palsu akun nomor data ktp bansos sembako pajak gempa banjir jembatan
        putus tercemar pemadaman total terjadi warga mengungsi kembali begitu seperti macam tadi datang
        boleh betul bila sebab ramai pun tahu nyaman kenyang tanpa cukup bayar biaya ratus rupiah
        lowongan kerja tes kirim transfer pulsa hadiah undian menang selamat korban meninggal dunia
        kebakaran kecelakaan harga naik turun beras minyak bensin pasar toko ruang baca lihat tonton
        video foto gambar sumber asli lokasi kejadian hanya masih tetap pernah belum sungai pulau
        laut gunung kampung pantai pesisir hutan kebun sawah""",
        2: """adalah telah sedang yaitu yakni namun serta maupun hingga sehingga tentang terhadap antara
        bahkan saat ketika selama sampai menurut kata katanya bilang beri memberi memberikan tidak
        menjadi mendapat mendapatkan meminta diminta dilakukan melakukan membuat dibuat terkait
        diketahui disebut merupakan silakan harap himbauan imbauan benarkah betulkah apakah pemkab
        pemprov kemenkes kemensos kominfo diskominfo biar kan aku ngomong""",
        3: """nggak enggak gak ga engga gk tdk udah aja banget bgt sih dong deh kok loh lho
        yg dgn utk sdh blm krn jg sy gue gua gw lu lo elu emang emangnya gimana gini gitu kayak
        kalo ngga bikin pengen pingin cuma doang nih tuh mending ngapain""",
    }
)

ENGLISH = _weighted(
    {
        2: """the and is are was were of to in that this with for not you they have has had will would
        from what when where which who why how can could should there their them been being about
        into than then these those your just like people government news please share all some""",
        1: """a an as at by it or so up we us me my no on if do be he she his her him our out
        after before over under again also only new old first last long great little own other
        right big high different small large next early young important few public bad same able
        year day time way man thing woman life child world school state family student group
        country problem hand part place case week company system question work number night point
        home water room mother area money story fact month lot study book eye job word business
        issue side kind head house service friend father power hour game line end member law car
        city community name team minute idea body information back parent face level office door
        health person war history party result change morning reason research moment teacher
        said say says get make go know take see come think look want give use find tell ask seem
        feel try leave call keep let begin help show hear play run move live believe bring happen
        write provide sit stand lose pay meet include continue set learn lead understand watch
        follow stop create speak read spend grow open walk win offer remember love consider appear
        buy wait serve die send expect build stay fall cut reach kill remain suggest raise pass
        sell require report decide pull warn warning official officials police local near river
        fire strong smell tonight everyone should now today tomorrow yesterday free money""",
        3: """don't doesn't isn't aren't wasn't weren't won't can't it's that's i'm you're they're
        because however although therefore vaccine hoax fake true false check really very""",
    }
)

JAVANESE = _weighted(
    {
        2: """kowe sampeyan awakmu opo iki iku kuwi kae ning neng nang karo seko soko ono ana ndak
        wis wes uwis wus durung arep ape gelem entuk lan utawa nek yen dadi wae ae tenan iso isa
        saiki mengko sesuk wingi kabeh akeh sithik apik elek gedhe cilik omah dalan wong bocah duit
        mangan ngombe turu lungo teko tuku adol weruh ngerti kandha jare jarene banyu iwak wayah""",
        3: """ora ra ojo piye kepiye kenopo ngopo endi sopo sing mbok ndhuk le nduk nggih mboten
        sampun badhe panjenengan kula kulo dalem sedoyo wonten saking kaliyan matur nuwun monggo
        ngendika dhisik sek ngene ngono ngunu koyo koyok sakjane ancene pancen mulakno mulane dewe
        dhewe awake ngertos lungguh mlaku kepriye kepriben rika inyong isih isik ijik lagek
        ngapunten sugeng rawuh dipun dening menawi niku leres""",
    }
)

BANJAR = _weighted(
    {
        2: """urang lawan wan jua gin nang kah pang ai haja ja tu hanyar isuk ganal iwak baras banyu
        kawa bujur banar pina lakas tulak bulik ampun bahari wayah""",
        3: """ulun pian sidin ikam unda inya buhan bubuhan kada kadada handak kaina hagan gasan
        dangsanak barataan pambakal pahumaan jukung batatamba bapadah bepadah padah umpat mambari
        maulah manggawi gawian rahat parak kalu tagal bujurkah kayapa dimapa nangapa kanapa
        mangapa kakanakan batakun takun kawakah kadaapa tarus jar jarnya baisukan bamamai mamai
        baucap baungkai lamak""",
    }
)

MALAY = _weighted(
    {
        2: """sikit cakap tak dah ni tu la kereta beritahu tengok dahulu pihak berkuasa""",
        3: """awak nak kat je mahu kerana sahaja kerajaan percuma polis wang bas khabar jom takde
        seronok kongsi mesej semak cukai bayaran sekiranya""",
    }
)

SUNDANESE = _weighted(
    {
        3: """teu henteu naon abdi anjeun mah atuh geus keur jeung kumaha sok pisan teh ieu
        eta kitu kieu nuhun hatur punten mangga wilujeng nya euy tos acan bade sumping""",
    }
)

#: bigram markers ("kaya apa" is Banjar "how"; "matur nuwun" Javanese "thank you")
BIGRAMS: dict[str, dict[str, int]] = {
    "bjn": {"kaya apa": 4, "kada kawa": 4, "ulun handak": 4, "pian handak": 4},
    "jv": {"matur nuwun": 4, "ora iso": 4, "ora isa": 4, "ora popo": 4},
    "ms": {"tak boleh": 3, "apa khabar": 4, "sama ada": 4},
    "su": {"hatur nuhun": 4},
}

LEXICONS: dict[str, dict[str, int]] = {
    "id": INDONESIAN,
    "en": ENGLISH,
    "jv": JAVANESE,
    "bjn": BANJAR,
    "ms": MALAY,
    "su": SUNDANESE,
}

#: words whose doubled letters are real (not stretched for emphasis)
DOUBLE_LETTER_WORDS = _words(
    """maaf saat taat manfaat jumaat allah sunnah riil keeping need good book soon been see free
    street three coffee tree week sleep feel green really will all well call small off add"""
)


def known_words() -> frozenset[str]:
    """Every word in the hand-written lists (a small vocabulary for careful normalisation)."""
    words: set[str] = set(DOUBLE_LETTER_WORDS)
    for table in LEXICONS.values():
        words.update(table)
    return frozenset(words)
