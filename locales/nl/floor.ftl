floor-badges = Badges
floor-badges-2 = badges ·
floor-standnummers = Standnummers
floor-print-op-a4-drie-badges = Print op A4 (drie badges per vel). Vouw elke badge in het midden: voor de naam en de QR-code, achter met wie ze moeten praten. De QR-code opent de vloerpagina van de organisatie met de camera van elke telefoon.
floor-stand = Stand
floor-praat-met-deze-vijf = Praat met deze vijf
floor-kijk-in-de-gids-wie = Kijk in de gids wie er staan.
floor-stand-2 = , stand
floor-wederzijds = (wederzijds)
floor-gids = Gids:
floor-wie-staat-waar = Wie staat waar
floor-organisaties-per-hoek-van-de = organisaties, per hoek van de zaal.
floor-zoek-op-naam-stand-aanbod = Zoek op naam, stand, aanbod of vraag
floor-zoeken = Zoeken
floor-van = van
floor-organisaties-gevonden-voor = organisaties gevonden voor ‘
floor-alles-tonen = Alles tonen
floor-biedt = Biedt:
floor-vraagt = Vraagt:
floor-niemand-gevonden = Niemand gevonden.
floor-beursvloer = – Beursvloer
floor-naar-de-inhoud = Naar de inhoud
floor-beursvloer-2 = Beursvloer
floor-match-maken-met = Match maken met
floor-match-maken = Match maken
floor-tussen = Tussen
floor-en = en
floor-stand-3 = (stand
floor-verbeter-wat-hieronder-staat = Verbeter wat hieronder staat.
floor-wie-geeft = Wie geeft?
floor-geeft-aan = geeft aan
floor-categorie = Categorie
floor-kies = Kies
floor-wat-wordt-er-gegeven = Wat wordt er gegeven
floor-uren-niet-verplicht = Uren (niet verplicht)
floor-of-aantal-niet-verplicht = Of aantal (niet verplicht)
floor-geschatte-waarde-in-euro-s = Geschatte waarde in euro's (niet verplicht)
floor-afgesproken-datum-niet-verplicht = Afgesproken datum (niet verplicht)
floor-je-naam = Je naam
floor-zo-staat-je-bevestiging-op = Zo staat je bevestiging op het matchformulier.
floor-daarna-bevestigt = Daarna bevestigt
floor-het-op-de-eigen-telefoon = het op de eigen telefoon, en registreert de notaris de match.
floor-dit-is-jullie-eigen-vloerpagina = Dit is jullie eigen vloerpagina. Deze telefoon onthoudt vandaag dat hij van
floor-is-scan-een-badge-met = is: scan een badge met de camera en maak daar een match.
floor-vulde-een-matchformulier-in = vulde een matchformulier in: ‘
floor-bekijk-en-bevestig-het = ’. Bekijk en bevestig het.
floor-je-maakt-de-match-namens = Je maakt de match namens
floor-sta-je-zelf-op-de = Sta je zelf op de beursvloer? Open eerst je persoonlijke vloerpagina (de link uit je mail) op deze telefoon; daarna kun je na het scannen van een badge hier een match maken.
floor-de-matcher-vond-nog-niemand = De matcher vond nog niemand op deze beursvloer die bij
floor-past-kijk-in-de = past. Kijk in de
floor-gids-2 = gids
floor-stand-4 = stand
floor-wederzijds-2 = Wederzijds
floor-jullie-geven = Jullie geven:
floor-jullie-krijgen = Jullie krijgen:
floor-biedt-2 = biedt
floor-nog-niets-geplaatst = Nog niets geplaatst.
floor-vraagt-2 = vraagt
floor-wie-staat-waar-de-gids = Wie staat waar: de gids van
floor-badges-printen = Badges printen
floor-gids-3 = Gids
floor-er-is-niets-opgeslagen = Er is niets opgeslagen
floor-verbeter-de-standnummers-die-hieronder = Verbeter de standnummers die hieronder gemarkeerd zijn.
floor-in-een-keer-indelen = In één keer indelen
floor-elke-categorie-krijgt-een-hoek = Elke categorie krijgt een hoek met een eigen letter (Menskracht A, Kennis B, Materiaal C, Netwerk D, Faciliteiten E, Creativiteit F, overig G); binnen een hoek nummeren we op naam: A1, A2 … Dit vervangt alle standnummers hieronder.
floor-indelen-per-categorie = Indelen per categorie
floor-vloerlinks-mailen = Vloerlinks mailen
floor-elke-contactpersoon-krijgt-een-persoonlijke = Elke contactpersoon krijgt een persoonlijke link naar de vloerpagina van de eigen organisatie. Wie die vóór de beursvloer op de telefoon opent, kan op de vloer na het scannen van een badge meteen een match maken.
floor-per-organisatie = Per organisatie
floor-er-zijn-nog-geen-organisaties = Er zijn nog geen organisaties aangemeld.
floor-tabel-standnummer-per-organisatie = Tabel: standnummer per organisatie
floor-standnummer-per-organisatie = Standnummer per organisatie
floor-organisatie = Organisatie
floor-fout = Fout:
floor-standnummers-opslaan = Standnummers opslaan
floor-matchformulier-van-de-beursvloer-bevestigen = Matchformulier van de beursvloer bevestigen
floor-ingevuld-en-bevestigd-door = Ingevuld en bevestigd door
floor-wat = Wat
floor-uren = Uren
floor-waarde = Waarde
floor-wanneer = Wanneer
floor-klopt-bevestigen = Klopt, bevestigen
floor-confirm-and-send = Bevestigen en naar { $other } sturen
mail-floor-filled-headline = { $by } vulde een matchformulier in
mail-floor-filled-body = Op de beursvloer vulde { $by } het matchformulier in: ‘{ $what }’. Bevestig het op je telefoon; dan ligt het klaar bij de notaris.
mail-floor-link-subject = Je vloerpagina voor { $event }
mail-floor-link-body =
    Beste { $name },

    Op { $event } staat { $organisation }{ $has_stand ->
        [yes] { " " }op stand { $stand }
       *[no] {""}
    }. Open deze link vóór de beursvloer op de telefoon die je meeneemt:

    { $link }

    Je ziet daar met welke vijf organisaties je het best kunt praten. Scan daarna op de vloer met de camera van je telefoon de badge van een andere organisatie: dan kun je samen een match maken en bevestigen, en registreert de notaris hem.

    Deze link is persoonlijk: deel hem niet.

    De makelaar van { $event }
floor-msg-kies-wie-er-geeft = Kies wie er geeft.
floor-msg-kies-een-categorie = Kies een categorie.
floor-msg-het-aantal = Het aantal
floor-msg-dit-matchformulier-kan-jij-nu = Dit matchformulier kan jij nu niet (meer) bevestigen.
floor-msg-vul-je-naam-in-2 = Vul je naam in (2 tot 120 tekens) om het matchformulier te bevestigen.
floor-msg-bevestigd-het-matchformulier-ligt-nu = Bevestigd! Het matchformulier ligt nu compleet bij de notaris.
floor-msg-twee-organisaties-kregen-tegelijk-dezelfde = Twee organisaties kregen tegelijk dezelfde stand. Probeer het opnieuw.
floor-msg-een-standnummer-is-hoogstens-12 = Een standnummer is hoogstens 12 tekens, zoals B12.
floor-msg-gebruik-letters-cijfers-spaties-punten = Gebruik letters, cijfers, spaties, punten of streepjes, zoals B12.
floor-time-over = Afgelopen
floor-time-starts-on = Begint op { $date }
floor-time-starts-in = Begint over { $span }
floor-time-left = Nog { $span }
floor-span-minutes = { $m ->
    [one] 1 minuut
   *[other] { $m } minuten
}
floor-span-hours = { $h } uur
floor-span-and = { $hours } en { $minutes }
floor-give-line = Jullie ‘{ $offer }’ voor hun vraag ‘{ $request }’
floor-get-line = Hun ‘{ $offer }’ voor jullie vraag ‘{ $request }’
floor-flash-confirmed-first = Je hebt het matchformulier bevestigd. Nu bevestigt { $other } het op de eigen telefoon; daarna registreert de notaris het.
floor-stand-taken = Stand { $stand } is al gegeven aan een andere organisatie.
floor-stand-also-given = Stand { $stand } is ook aan een andere organisatie gegeven.
floor-talk-exchange = Ruil: jullie helpen hen met ‘{ $theirs }’, zij jullie met ‘{ $ours }’.
floor-talk-they-ask = Zij vragen ‘{ $request }’: dat past bij wat jullie bieden.
floor-talk-they-offer = Zij bieden ‘{ $offer }’: dat past bij jullie vraag.
floor-gids-wie-staat-waar = Gids: wie staat waar
floor-op-de-vloer = Op de vloer:
floor-digitaal-getekend-op-de-vloer = Digitaal getekend op de vloer (
floor-beide-partijen-bevestigden-deze-matchformulieren = Beide partijen bevestigden deze matchformulieren op hun telefoon. Controleer en registreer.
floor-getekend = Getekend
floor-registreren = Registreren
floor-flash-not-both-signed = Dit matchformulier is nog niet door beide partijen bevestigd.
floor-flash-already-registered = Deze match was al geregistreerd of is intussen veranderd.
floor-flash-stands-saved = { $count } standnummers opgeslagen.
floor-flash-zones-assigned = { $count } organisaties kregen een stand in de hoek van hun categorie.
floor-flash-links-mailed = { $count } contactpersonen krijgen hun persoonlijke vloerlink per mail.
