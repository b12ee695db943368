#!/usr/bin/env python3
"""Builds server/data/sirene-extract.csv, the SIRENE directory shipped for a fresh machine.

Sources (all real public data, under ../shared/data): INSEE StockUniteLegale samples, responses of the API
Recherche d'entreprises, and the SIRENs of public bodies (communes and EPCI from BANATIC 2024, départements,
régions, State operators). The output uses StockUniteLegale's own column names, so the importer reads it like
INSEE's file. Later sources override earlier ones for the same SIREN: register data wins over lists.
"""
import csv
import json
import sys
from pathlib import Path

SHARED = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
OUT = Path(__file__).resolve().parent.parent / "server" / "data" / "sirene-extract.csv"
COLUMNS = ["siren", "statutDiffusionUniteLegale", "etatAdministratifUniteLegale", "categorieJuridiqueUniteLegale",
           "denominationUniteLegale", "sigleUniteLegale", "prenomUsuelUniteLegale", "nomUniteLegale"]
# Legal categories (INSEE "catégories juridiques") of the public bodies listed by BANATIC.
EPCI_CATEGORY = {"CC": "7346", "CA": "7348", "CU": "7343", "METRO": "7344", "MET69": "7229"}
LEVEL_CATEGORY = {"departement": "7220", "region": "7230"}

units = {}


def add(siren, name, category="", state="A", diffusion="O", sigle="", first="", last=""):
    if len(siren) == 9 and siren.isdigit():
        units[siren] = {"siren": siren, "statutDiffusionUniteLegale": diffusion,
                        "etatAdministratifUniteLegale": state, "categorieJuridiqueUniteLegale": category,
                        "denominationUniteLegale": name, "sigleUniteLegale": sigle,
                        "prenomUsuelUniteLegale": first, "nomUniteLegale": last}


for row in csv.DictReader(open(SHARED / "public-bodies/communes_siren_insee_banatic_2024.csv", encoding="utf-8")):
    add(row["siren"], f"Commune de {row['nom_com']}", "7210")
for row in csv.DictReader(open(SHARED / "public-bodies/epci_list_2024.csv", encoding="utf-8")):
    add(row["siren"], row["raison_sociale"], EPCI_CATEGORY.get(row["nature_juridique"], ""))
for row in csv.DictReader(open(SHARED / "public-bodies/departements_regions_siren.csv", encoding="utf-8")):
    add(row["siren"], row["nom"], LEVEL_CATEGORY.get(row["echelon"], ""))
for siren, name in json.load(open(SHARED / "public-bodies/operateurs_lolf_siren.json", encoding="utf-8")).items():
    add(siren, name)
for sample in sorted((SHARED / "sirene").glob("StockUniteLegale_sample_*.csv")):
    for row in csv.DictReader(open(sample, encoding="utf-8")):
        add(row["siren"], row["denominationUniteLegale"], row["categorieJuridiqueUniteLegale"],
            row["etatAdministratifUniteLegale"], row["statutDiffusionUniteLegale"], row["sigleUniteLegale"],
            row["prenomUsuelUniteLegale"] or row["prenom1UniteLegale"], row["nomUsageUniteLegale"] or row["nomUniteLegale"])
for answer in sorted((SHARED / "sirene").glob("q-*.recherche-entreprises.json")):
    data = json.load(open(answer, encoding="utf-8"))
    data = data.get("result", data)
    for r in data.get("results", []):
        hidden = r.get("statut_diffusion") == "P"
        person = r.get("nature_juridique") == "1000"
        name = "" if hidden or person else (r.get("nom_raison_sociale") or r.get("nom_complet") or "")
        first, last = ("", "")
        if person and not hidden:
            first, _, last = (r.get("nom_complet") or "").partition(" ")
        add(r["siren"], name, r.get("nature_juridique") or "", r.get("etat_administratif") or "A",
            r.get("statut_diffusion") or "O", "" if hidden else (r.get("sigle") or ""), first, last)

with open(OUT, "w", encoding="utf-8", newline="") as out:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for siren in sorted(units):
        writer.writerow(units[siren])
print(f"{len(units)} units written to {OUT}")
