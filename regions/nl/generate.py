"""Generate the national region pack (the Netherlands, 2025 situation) from authored tables.

Every table below is typed in by hand from public facts (municipal populations published by
CBS, the hospital locations and their SEH, HAP and acute obstetrics status as reported by
RIVM, hospitals and the trade press, the Wadden ferry services, the motorway and main-road
network) as generally known; no data file went into it. Positions are approximate: the
centre of the town (a few hundred metres to about 2 km from the real building for sites
and posts; up to 10 km from the population centre of gravity for large rural
municipalities). ``README.md`` states the sources, dates and accuracy per table.

Run ``python regions/nl/generate.py`` to rewrite every data file of the pack next to this
script. The output depends only on the tables, so a re-run gives identical files.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from acutesim.config.build import (
    roster_templates_toml,
    size_posts,
    size_sites,
    size_sites_from_visits,
    slugify,
)

OUT_DIR = Path(__file__).resolve().parent
MAINLAND = "mainland"

# --- municipalities ------------------------------------------------------------------------
# (name, province, inhabitants on 1 January 2024, lon, lat of the main town)
# source: CBS StatLine "Regionale kerncijfers Nederland" / "Bevolking; kerncijfers" for
#   1 January 2024 (national total 17,942,942), municipal layout of 1 January 2024 (342
#   municipalities). Values are typed from memory and rounded (to 100 for small, to 500-1,000
#   for large municipalities); the national sum is checked against the CBS total in
#   tests/calibration/test_nl_pack.py. Positions: centre of the main town (general knowledge).
MUNICIPALITIES: tuple[tuple[str, str, int, float, float], ...] = (
    # Groningen (10)
    ("Eemsdelta", "Groningen", 45_600, 6.905, 53.325),
    ("Groningen", "Groningen", 243_500, 6.567, 53.219),
    ("Het Hogeland", "Groningen", 48_000, 6.520, 53.330),
    ("Midden-Groningen", "Groningen", 61_000, 6.760, 53.160),
    ("Oldambt", "Groningen", 39_000, 7.035, 53.145),
    ("Pekela", "Groningen", 12_200, 7.005, 53.080),
    ("Stadskanaal", "Groningen", 32_000, 6.950, 52.990),
    ("Veendam", "Groningen", 28_000, 6.875, 53.105),
    ("Westerkwartier", "Groningen", 66_000, 6.380, 53.190),
    ("Westerwolde", "Groningen", 27_000, 7.080, 52.940),
    # Friesland (18)
    ("Achtkarspelen", "Friesland", 28_000, 6.145, 53.252),
    ("Ameland", "Friesland", 3_800, 5.775, 53.445),
    ("Dantumadiel", "Friesland", 19_000, 5.990, 53.290),
    ("De Fryske Marren", "Friesland", 53_000, 5.790, 52.965),
    ("Harlingen", "Friesland", 16_000, 5.420, 53.175),
    ("Heerenveen", "Friesland", 51_500, 5.925, 52.960),
    ("Leeuwarden", "Friesland", 126_000, 5.800, 53.200),
    ("Noardeast-Fryslân", "Friesland", 45_500, 5.998, 53.325),
    ("Ooststellingwerf", "Friesland", 26_000, 6.290, 52.990),
    ("Opsterland", "Friesland", 30_000, 6.065, 53.005),
    ("Schiermonnikoog", "Friesland", 950, 6.165, 53.480),
    ("Smallingerland", "Friesland", 57_000, 6.100, 53.105),
    ("Súdwest-Fryslân", "Friesland", 92_000, 5.660, 53.032),
    ("Terschelling", "Friesland", 4_900, 5.220, 53.360),
    ("Tytsjerksteradiel", "Friesland", 32_000, 5.990, 53.193),
    ("Vlieland", "Friesland", 1_150, 5.075, 53.297),
    ("Waadhoeke", "Friesland", 47_000, 5.545, 53.187),
    ("Weststellingwerf", "Friesland", 26_500, 5.995, 52.875),
    # Drenthe (12)
    ("Aa en Hunze", "Drenthe", 25_700, 6.740, 53.020),
    ("Assen", "Drenthe", 69_500, 6.565, 52.995),
    ("Borger-Odoorn", "Drenthe", 25_500, 6.790, 52.925),
    ("Coevorden", "Drenthe", 35_800, 6.745, 52.660),
    ("De Wolden", "Drenthe", 24_500, 6.430, 52.670),
    ("Emmen", "Drenthe", 108_000, 6.900, 52.785),
    ("Hoogeveen", "Drenthe", 56_500, 6.475, 52.725),
    ("Meppel", "Drenthe", 35_000, 6.195, 52.695),
    ("Midden-Drenthe", "Drenthe", 33_800, 6.515, 52.860),
    ("Noordenveld", "Drenthe", 32_800, 6.430, 53.135),
    ("Tynaarlo", "Drenthe", 34_500, 6.620, 53.080),
    ("Westerveld", "Drenthe", 20_000, 6.330, 52.820),
    # Overijssel (25)
    ("Almelo", "Overijssel", 74_000, 6.665, 52.355),
    ("Borne", "Overijssel", 24_500, 6.750, 52.300),
    ("Dalfsen", "Overijssel", 29_500, 6.255, 52.505),
    ("Deventer", "Overijssel", 103_000, 6.160, 52.255),
    ("Dinkelland", "Overijssel", 26_500, 6.960, 52.390),
    ("Enschede", "Overijssel", 161_000, 6.895, 52.220),
    ("Haaksbergen", "Overijssel", 24_500, 6.740, 52.155),
    ("Hardenberg", "Overijssel", 62_500, 6.620, 52.575),
    ("Hellendoorn", "Overijssel", 36_500, 6.465, 52.360),
    ("Hengelo", "Overijssel", 82_000, 6.795, 52.265),
    ("Hof van Twente", "Overijssel", 35_500, 6.585, 52.235),
    ("Kampen", "Overijssel", 55_000, 5.910, 52.555),
    ("Losser", "Overijssel", 22_800, 7.005, 52.265),
    ("Oldenzaal", "Overijssel", 32_000, 6.930, 52.312),
    ("Olst-Wijhe", "Overijssel", 18_500, 6.120, 52.340),
    ("Ommen", "Overijssel", 18_500, 6.420, 52.520),
    ("Raalte", "Overijssel", 38_500, 6.275, 52.385),
    ("Rijssen-Holten", "Overijssel", 39_000, 6.520, 52.305),
    ("Staphorst", "Overijssel", 17_800, 6.210, 52.645),
    ("Steenwijkerland", "Overijssel", 45_000, 6.120, 52.790),
    ("Tubbergen", "Overijssel", 21_500, 6.785, 52.405),
    ("Twenterand", "Overijssel", 34_000, 6.620, 52.410),
    ("Wierden", "Overijssel", 25_000, 6.595, 52.360),
    ("Zwartewaterland", "Overijssel", 23_500, 6.080, 52.610),
    ("Zwolle", "Overijssel", 132_000, 6.095, 52.510),
    # Flevoland (6)
    ("Almere", "Flevoland", 226_000, 5.215, 52.372),
    ("Dronten", "Flevoland", 43_500, 5.720, 52.525),
    ("Lelystad", "Flevoland", 82_000, 5.475, 52.510),
    ("Noordoostpolder", "Flevoland", 49_500, 5.750, 52.710),
    ("Urk", "Flevoland", 22_000, 5.600, 52.662),
    ("Zeewolde", "Flevoland", 23_500, 5.540, 52.330),
    # Gelderland (51)
    ("Aalten", "Gelderland", 27_500, 6.580, 51.925),
    ("Apeldoorn", "Gelderland", 167_000, 5.965, 52.210),
    ("Arnhem", "Gelderland", 166_000, 5.910, 51.985),
    ("Barneveld", "Gelderland", 62_000, 5.590, 52.140),
    ("Berg en Dal", "Gelderland", 35_500, 5.930, 51.790),
    ("Berkelland", "Gelderland", 44_500, 6.580, 52.105),
    ("Beuningen", "Gelderland", 26_500, 5.770, 51.860),
    ("Bronckhorst", "Gelderland", 37_500, 6.300, 52.040),
    ("Brummen", "Gelderland", 21_000, 6.155, 52.090),
    ("Buren", "Gelderland", 27_500, 5.335, 51.910),
    ("Culemborg", "Gelderland", 30_000, 5.225, 51.955),
    ("Doesburg", "Gelderland", 11_500, 6.140, 52.010),
    ("Doetinchem", "Gelderland", 59_500, 6.290, 51.965),
    ("Druten", "Gelderland", 19_500, 5.605, 51.890),
    ("Duiven", "Gelderland", 26_000, 6.020, 51.945),
    ("Ede", "Gelderland", 122_000, 5.665, 52.040),
    ("Elburg", "Gelderland", 23_800, 5.835, 52.445),
    ("Epe", "Gelderland", 33_500, 5.985, 52.350),
    ("Ermelo", "Gelderland", 27_500, 5.620, 52.300),
    ("Harderwijk", "Gelderland", 49_500, 5.620, 52.345),
    ("Hattem", "Gelderland", 12_500, 6.065, 52.475),
    ("Heerde", "Gelderland", 19_000, 6.040, 52.390),
    ("Heumen", "Gelderland", 17_000, 5.825, 51.765),
    ("Lingewaard", "Gelderland", 48_500, 5.930, 51.905),
    ("Lochem", "Gelderland", 34_000, 6.410, 52.160),
    ("Maasdriel", "Gelderland", 25_500, 5.330, 51.765),
    ("Montferland", "Gelderland", 36_500, 6.180, 51.910),
    ("Neder-Betuwe", "Gelderland", 25_500, 5.590, 51.925),
    ("Nijkerk", "Gelderland", 45_000, 5.490, 52.220),
    ("Nijmegen", "Gelderland", 183_000, 5.855, 51.840),
    ("Nunspeet", "Gelderland", 29_000, 5.785, 52.375),
    ("Oldebroek", "Gelderland", 24_500, 5.950, 52.455),
    ("Oost Gelre", "Gelderland", 30_000, 6.590, 52.015),
    ("Oude IJsselstreek", "Gelderland", 40_000, 6.380, 51.895),
    ("Overbetuwe", "Gelderland", 49_500, 5.850, 51.920),
    ("Putten", "Gelderland", 25_000, 5.605, 52.260),
    ("Renkum", "Gelderland", 32_000, 5.790, 51.980),
    ("Rheden", "Gelderland", 44_000, 6.030, 52.015),
    ("Rozendaal", "Gelderland", 1_650, 5.960, 52.005),
    ("Scherpenzeel", "Gelderland", 10_500, 5.490, 52.080),
    ("Tiel", "Gelderland", 43_000, 5.430, 51.885),
    ("Voorst", "Gelderland", 25_000, 6.100, 52.230),
    ("Wageningen", "Gelderland", 41_000, 5.665, 51.970),
    ("West Betuwe", "Gelderland", 52_500, 5.270, 51.880),
    ("West Maas en Waal", "Gelderland", 20_000, 5.500, 51.850),
    ("Westervoort", "Gelderland", 15_000, 5.970, 51.960),
    ("Wijchen", "Gelderland", 42_000, 5.725, 51.810),
    ("Winterswijk", "Gelderland", 29_500, 6.720, 51.970),
    ("Zaltbommel", "Gelderland", 30_500, 5.245, 51.810),
    ("Zevenaar", "Gelderland", 45_000, 6.070, 51.925),
    ("Zutphen", "Gelderland", 49_000, 6.200, 52.140),
    # Utrecht (26)
    ("Amersfoort", "Utrecht", 161_000, 5.390, 52.155),
    ("Baarn", "Utrecht", 25_000, 5.285, 52.210),
    ("Bunnik", "Utrecht", 15_500, 5.195, 52.065),
    ("Bunschoten", "Utrecht", 22_500, 5.375, 52.240),
    ("De Bilt", "Utrecht", 44_000, 5.190, 52.120),
    ("De Ronde Venen", "Utrecht", 45_500, 4.860, 52.205),
    ("Eemnes", "Utrecht", 9_500, 5.255, 52.255),
    ("Houten", "Utrecht", 50_500, 5.170, 52.030),
    ("IJsselstein", "Utrecht", 34_500, 5.045, 52.020),
    ("Leusden", "Utrecht", 31_000, 5.430, 52.130),
    ("Lopik", "Utrecht", 14_800, 4.950, 51.975),
    ("Montfoort", "Utrecht", 14_000, 4.950, 52.045),
    ("Nieuwegein", "Utrecht", 65_000, 5.085, 52.030),
    ("Oudewater", "Utrecht", 10_500, 4.870, 52.025),
    ("Renswoude", "Utrecht", 5_800, 5.540, 52.075),
    ("Rhenen", "Utrecht", 20_500, 5.570, 51.960),
    ("Soest", "Utrecht", 47_500, 5.300, 52.175),
    ("Stichtse Vecht", "Utrecht", 66_000, 5.040, 52.140),
    ("Utrecht", "Utrecht", 368_000, 5.115, 52.090),
    ("Utrechtse Heuvelrug", "Utrecht", 50_500, 5.285, 52.050),
    ("Veenendaal", "Utrecht", 68_500, 5.555, 52.025),
    ("Vijfheerenlanden", "Utrecht", 59_000, 5.100, 51.930),
    ("Wijk bij Duurstede", "Utrecht", 24_000, 5.340, 51.975),
    ("Woerden", "Utrecht", 53_000, 4.885, 52.085),
    ("Woudenberg", "Utrecht", 14_000, 5.415, 52.080),
    ("Zeist", "Utrecht", 66_500, 5.235, 52.090),
    # Noord-Holland (44)
    ("Aalsmeer", "Noord-Holland", 33_000, 4.765, 52.262),
    ("Alkmaar", "Noord-Holland", 111_000, 4.745, 52.630),
    ("Amstelveen", "Noord-Holland", 93_000, 4.860, 52.300),
    ("Amsterdam", "Noord-Holland", 931_000, 4.900, 52.372),
    ("Bergen (NH)", "Noord-Holland", 30_000, 4.700, 52.660),
    ("Beverwijk", "Noord-Holland", 42_500, 4.660, 52.485),
    ("Blaricum", "Noord-Holland", 12_500, 5.250, 52.275),
    ("Bloemendaal", "Noord-Holland", 24_000, 4.620, 52.400),
    ("Castricum", "Noord-Holland", 36_500, 4.670, 52.548),
    ("Den Helder", "Noord-Holland", 57_000, 4.760, 52.940),
    ("Diemen", "Noord-Holland", 32_500, 4.960, 52.340),
    ("Dijk en Waard", "Noord-Holland", 90_000, 4.830, 52.665),
    ("Drechterland", "Noord-Holland", 20_500, 5.180, 52.660),
    ("Edam-Volendam", "Noord-Holland", 37_000, 5.055, 52.500),
    ("Enkhuizen", "Noord-Holland", 18_800, 5.285, 52.703),
    ("Gooise Meren", "Noord-Holland", 59_500, 5.160, 52.285),
    ("Haarlem", "Noord-Holland", 163_000, 4.640, 52.380),
    ("Haarlemmermeer", "Noord-Holland", 163_000, 4.690, 52.300),
    ("Heemskerk", "Noord-Holland", 39_500, 4.670, 52.510),
    ("Heemstede", "Noord-Holland", 27_500, 4.620, 52.355),
    ("Heiloo", "Noord-Holland", 24_500, 4.700, 52.600),
    ("Hilversum", "Noord-Holland", 93_000, 5.175, 52.225),
    ("Hollands Kroon", "Noord-Holland", 49_500, 4.960, 52.850),
    ("Hoorn", "Noord-Holland", 75_000, 5.060, 52.643),
    ("Huizen", "Noord-Holland", 41_500, 5.240, 52.297),
    ("Koggenland", "Noord-Holland", 23_500, 4.960, 52.620),
    ("Landsmeer", "Noord-Holland", 11_700, 4.915, 52.430),
    ("Laren", "Noord-Holland", 11_500, 5.225, 52.255),
    ("Medemblik", "Noord-Holland", 48_000, 5.105, 52.770),
    ("Oostzaan", "Noord-Holland", 9_800, 4.875, 52.440),
    ("Opmeer", "Noord-Holland", 12_000, 4.945, 52.705),
    ("Ouder-Amstel", "Noord-Holland", 15_000, 4.910, 52.295),
    ("Purmerend", "Noord-Holland", 93_000, 4.950, 52.505),
    ("Schagen", "Noord-Holland", 47_000, 4.800, 52.787),
    ("Stede Broec", "Noord-Holland", 22_500, 5.220, 52.695),
    ("Texel", "Noord-Holland", 13_800, 4.797, 53.053),
    ("Uitgeest", "Noord-Holland", 13_800, 4.710, 52.530),
    ("Uithoorn", "Noord-Holland", 31_000, 4.825, 52.237),
    ("Velsen", "Noord-Holland", 69_500, 4.620, 52.460),
    ("Waterland", "Noord-Holland", 17_500, 5.040, 52.440),
    ("Wijdemeren", "Noord-Holland", 24_500, 5.100, 52.215),
    ("Wormerland", "Noord-Holland", 16_500, 4.830, 52.495),
    ("Zaanstad", "Noord-Holland", 160_000, 4.825, 52.440),
    ("Zandvoort", "Noord-Holland", 17_500, 4.535, 52.372),
    # Zuid-Holland (50)
    ("'s-Gravenhage", "Zuid-Holland", 566_000, 4.305, 52.075),
    ("Alblasserdam", "Zuid-Holland", 20_500, 4.660, 51.865),
    ("Albrandswaard", "Zuid-Holland", 27_000, 4.420, 51.860),
    ("Alphen aan den Rijn", "Zuid-Holland", 115_000, 4.660, 52.130),
    ("Barendrecht", "Zuid-Holland", 50_500, 4.535, 51.855),
    ("Bodegraven-Reeuwijk", "Zuid-Holland", 36_500, 4.745, 52.080),
    ("Capelle aan den IJssel", "Zuid-Holland", 68_000, 4.580, 51.930),
    ("Delft", "Zuid-Holland", 106_000, 4.360, 52.010),
    ("Dordrecht", "Zuid-Holland", 121_000, 4.690, 51.810),
    ("Goeree-Overflakkee", "Zuid-Holland", 52_500, 4.165, 51.755),
    ("Gorinchem", "Zuid-Holland", 38_500, 4.975, 51.835),
    ("Gouda", "Zuid-Holland", 75_500, 4.710, 52.015),
    ("Hardinxveld-Giessendam", "Zuid-Holland", 18_500, 4.840, 51.825),
    ("Hendrik-Ido-Ambacht", "Zuid-Holland", 32_000, 4.640, 51.845),
    ("Hillegom", "Zuid-Holland", 23_000, 4.580, 52.290),
    ("Hoeksche Waard", "Zuid-Holland", 89_500, 4.440, 51.790),
    ("Kaag en Braassem", "Zuid-Holland", 28_500, 4.620, 52.200),
    ("Katwijk", "Zuid-Holland", 67_500, 4.420, 52.200),
    ("Krimpen aan den IJssel", "Zuid-Holland", 29_500, 4.600, 51.915),
    ("Krimpenerwaard", "Zuid-Holland", 58_000, 4.760, 51.960),
    ("Lansingerland", "Zuid-Holland", 66_000, 4.480, 51.995),
    ("Leiden", "Zuid-Holland", 128_000, 4.490, 52.160),
    ("Leiderdorp", "Zuid-Holland", 28_000, 4.530, 52.160),
    ("Leidschendam-Voorburg", "Zuid-Holland", 78_000, 4.390, 52.080),
    ("Lisse", "Zuid-Holland", 23_500, 4.555, 52.255),
    ("Maassluis", "Zuid-Holland", 34_000, 4.255, 51.920),
    ("Midden-Delfland", "Zuid-Holland", 20_500, 4.300, 51.980),
    ("Molenlanden", "Zuid-Holland", 45_500, 4.820, 51.880),
    ("Nieuwkoop", "Zuid-Holland", 29_500, 4.780, 52.150),
    ("Nissewaard", "Zuid-Holland", 86_000, 4.330, 51.845),
    ("Noordwijk", "Zuid-Holland", 44_500, 4.445, 52.240),
    ("Oegstgeest", "Zuid-Holland", 25_500, 4.470, 52.180),
    ("Papendrecht", "Zuid-Holland", 32_500, 4.690, 51.830),
    ("Pijnacker-Nootdorp", "Zuid-Holland", 58_000, 4.430, 52.020),
    ("Ridderkerk", "Zuid-Holland", 47_500, 4.600, 51.875),
    ("Rijswijk", "Zuid-Holland", 58_000, 4.325, 52.035),
    ("Rotterdam", "Zuid-Holland", 670_000, 4.475, 51.920),
    ("Schiedam", "Zuid-Holland", 80_000, 4.400, 51.920),
    ("Sliedrecht", "Zuid-Holland", 26_000, 4.775, 51.825),
    ("Teylingen", "Zuid-Holland", 38_500, 4.500, 52.230),
    ("Vlaardingen", "Zuid-Holland", 75_500, 4.345, 51.910),
    ("Voorne aan Zee", "Zuid-Holland", 71_000, 4.150, 51.860),
    ("Voorschoten", "Zuid-Holland", 26_000, 4.445, 52.125),
    ("Waddinxveen", "Zuid-Holland", 33_000, 4.650, 52.045),
    ("Wassenaar", "Zuid-Holland", 27_000, 4.400, 52.145),
    ("Westland", "Zuid-Holland", 114_000, 4.205, 51.995),
    ("Zoetermeer", "Zuid-Holland", 127_000, 4.490, 52.060),
    ("Zoeterwoude", "Zuid-Holland", 9_200, 4.500, 52.120),
    ("Zuidplas", "Zuid-Holland", 48_500, 4.620, 52.010),
    ("Zwijndrecht", "Zuid-Holland", 46_000, 4.640, 51.815),
    # Zeeland (13)
    ("Borsele", "Zeeland", 23_000, 3.780, 51.450),
    ("Goes", "Zeeland", 39_500, 3.890, 51.505),
    ("Hulst", "Zeeland", 27_500, 4.050, 51.280),
    ("Kapelle", "Zeeland", 13_000, 3.955, 51.485),
    ("Middelburg", "Zeeland", 49_500, 3.610, 51.500),
    ("Noord-Beveland", "Zeeland", 7_700, 3.790, 51.570),
    ("Reimerswaal", "Zeeland", 23_500, 4.050, 51.450),
    ("Schouwen-Duiveland", "Zeeland", 34_500, 3.915, 51.650),
    ("Sluis", "Zeeland", 23_500, 3.490, 51.325),
    ("Terneuzen", "Zeeland", 55_000, 3.830, 51.335),
    ("Tholen", "Zeeland", 26_000, 4.205, 51.530),
    ("Veere", "Zeeland", 22_000, 3.580, 51.560),
    ("Vlissingen", "Zeeland", 45_000, 3.575, 51.445),
    # Noord-Brabant (56)
    ("Alphen-Chaam", "Noord-Brabant", 10_500, 4.920, 51.480),
    ("Altena", "Noord-Brabant", 57_500, 4.930, 51.770),
    ("Asten", "Noord-Brabant", 17_300, 5.750, 51.405),
    ("Baarle-Nassau", "Noord-Brabant", 7_000, 4.930, 51.445),
    ("Bergeijk", "Noord-Brabant", 19_000, 5.360, 51.320),
    ("Bergen op Zoom", "Noord-Brabant", 69_000, 4.290, 51.495),
    ("Bernheze", "Noord-Brabant", 32_500, 5.530, 51.710),
    ("Best", "Noord-Brabant", 31_000, 5.395, 51.505),
    ("Bladel", "Noord-Brabant", 20_800, 5.220, 51.370),
    ("Boekel", "Noord-Brabant", 11_000, 5.675, 51.605),
    ("Boxtel", "Noord-Brabant", 33_000, 5.325, 51.590),
    ("Breda", "Noord-Brabant", 186_000, 4.775, 51.590),
    ("Cranendonck", "Noord-Brabant", 21_000, 5.585, 51.275),
    ("Deurne", "Noord-Brabant", 33_000, 5.795, 51.460),
    ("Dongen", "Noord-Brabant", 26_500, 4.945, 51.625),
    ("Drimmelen", "Noord-Brabant", 27_500, 4.795, 51.680),
    ("Eersel", "Noord-Brabant", 20_000, 5.320, 51.355),
    ("Eindhoven", "Noord-Brabant", 243_500, 5.475, 51.440),
    ("Etten-Leur", "Noord-Brabant", 45_000, 4.635, 51.575),
    ("Geertruidenberg", "Noord-Brabant", 22_000, 4.860, 51.700),
    ("Geldrop-Mierlo", "Noord-Brabant", 40_000, 5.580, 51.425),
    ("Gemert-Bakel", "Noord-Brabant", 31_500, 5.690, 51.555),
    ("Gilze en Rijen", "Noord-Brabant", 27_000, 4.920, 51.585),
    ("Goirle", "Noord-Brabant", 24_000, 5.065, 51.520),
    ("Halderberge", "Noord-Brabant", 30_500, 4.530, 51.590),
    ("Heeze-Leende", "Noord-Brabant", 16_500, 5.570, 51.380),
    ("Helmond", "Noord-Brabant", 94_000, 5.660, 51.480),
    ("'s-Hertogenbosch", "Noord-Brabant", 160_000, 5.305, 51.690),
    ("Heusden", "Noord-Brabant", 45_500, 5.140, 51.690),
    ("Hilvarenbeek", "Noord-Brabant", 16_000, 5.140, 51.485),
    ("Laarbeek", "Noord-Brabant", 23_000, 5.600, 51.520),
    ("Land van Cuijk", "Noord-Brabant", 92_000, 5.880, 51.730),
    ("Loon op Zand", "Noord-Brabant", 24_000, 5.075, 51.630),
    ("Maashorst", "Noord-Brabant", 61_000, 5.620, 51.660),
    ("Meierijstad", "Noord-Brabant", 83_000, 5.545, 51.615),
    ("Moerdijk", "Noord-Brabant", 38_000, 4.610, 51.645),
    ("Nuenen, Gerwen en Nederwetten", "Noord-Brabant", 23_500, 5.550, 51.470),
    ("Oirschot", "Noord-Brabant", 19_500, 5.310, 51.505),
    ("Oisterwijk", "Noord-Brabant", 33_000, 5.195, 51.580),
    ("Oosterhout", "Noord-Brabant", 58_000, 4.860, 51.645),
    ("Oss", "Noord-Brabant", 95_000, 5.530, 51.765),
    ("Reusel-De Mierden", "Noord-Brabant", 13_500, 5.165, 51.360),
    ("Roosendaal", "Noord-Brabant", 78_000, 4.465, 51.535),
    ("Rucphen", "Noord-Brabant", 23_000, 4.570, 51.540),
    ("Sint-Michielsgestel", "Noord-Brabant", 29_500, 5.355, 51.640),
    ("Someren", "Noord-Brabant", 19_500, 5.710, 51.385),
    ("Son en Breugel", "Noord-Brabant", 17_500, 5.495, 51.510),
    ("Steenbergen", "Noord-Brabant", 25_500, 4.310, 51.585),
    ("Tilburg", "Noord-Brabant", 228_000, 5.080, 51.560),
    ("Valkenswaard", "Noord-Brabant", 31_500, 5.460, 51.350),
    ("Veldhoven", "Noord-Brabant", 46_500, 5.400, 51.410),
    ("Vught", "Noord-Brabant", 27_500, 5.290, 51.655),
    ("Waalre", "Noord-Brabant", 17_500, 5.445, 51.385),
    ("Waalwijk", "Noord-Brabant", 49_500, 5.070, 51.685),
    ("Woensdrecht", "Noord-Brabant", 22_500, 4.300, 51.430),
    ("Zundert", "Noord-Brabant", 22_000, 4.660, 51.470),
    # Limburg (31)
    ("Beek", "Limburg", 15_700, 5.790, 50.940),
    ("Beekdaelen", "Limburg", 35_500, 5.890, 50.930),
    ("Beesel", "Limburg", 13_500, 6.045, 51.265),
    ("Bergen (L)", "Limburg", 13_000, 6.040, 51.600),
    ("Brunssum", "Limburg", 27_000, 5.975, 50.945),
    ("Echt-Susteren", "Limburg", 31_500, 5.870, 51.105),
    ("Eijsden-Margraten", "Limburg", 25_500, 5.760, 50.800),
    ("Gennep", "Limburg", 17_500, 5.975, 51.700),
    ("Gulpen-Wittem", "Limburg", 14_000, 5.890, 50.815),
    ("Heerlen", "Limburg", 87_000, 5.980, 50.885),
    ("Horst aan de Maas", "Limburg", 43_500, 6.050, 51.455),
    ("Kerkrade", "Limburg", 45_500, 6.060, 50.865),
    ("Landgraaf", "Limburg", 37_000, 6.025, 50.905),
    ("Leudal", "Limburg", 36_500, 5.910, 51.250),
    ("Maasgouw", "Limburg", 24_000, 5.890, 51.150),
    ("Maastricht", "Limburg", 122_000, 5.690, 50.850),
    ("Meerssen", "Limburg", 19_000, 5.750, 50.885),
    ("Mook en Middelaar", "Limburg", 8_000, 5.880, 51.750),
    ("Nederweert", "Limburg", 17_500, 5.750, 51.285),
    ("Peel en Maas", "Limburg", 45_000, 5.980, 51.330),
    ("Roerdalen", "Limburg", 20_500, 6.080, 51.155),
    ("Roermond", "Limburg", 59_500, 5.985, 51.195),
    ("Simpelveld", "Limburg", 10_500, 5.980, 50.835),
    ("Sittard-Geleen", "Limburg", 91_500, 5.865, 51.000),
    ("Stein", "Limburg", 25_000, 5.765, 50.970),
    ("Vaals", "Limburg", 10_000, 6.015, 50.770),
    ("Valkenburg aan de Geul", "Limburg", 16_500, 5.830, 50.865),
    ("Venlo", "Limburg", 102_500, 6.170, 51.370),
    ("Venray", "Limburg", 45_000, 5.975, 51.525),
    ("Voerendaal", "Limburg", 12_500, 5.930, 50.880),
    ("Weert", "Limburg", 51_000, 5.705, 51.250),
)
# Cities with more than one SEH are split into districts, so that their patients spread
# over their hospitals: (municipality, district, share of the municipal population, lon,
# lat of the district centre). Shares: the stadsdelen / wijken of each city as generally
# known (approximate, normalised to sum to 1 per city); the municipal total is kept.
DISTRICTS: tuple[tuple[str, str, float, float, float], ...] = (
    ("Amsterdam", "Amsterdam-Centrum", 0.094, 4.895, 52.372),
    ("Amsterdam", "Amsterdam-West", 0.157, 4.860, 52.375),
    ("Amsterdam", "Amsterdam-Nieuw-West", 0.180, 4.800, 52.360),
    ("Amsterdam", "Amsterdam-Zuid", 0.158, 4.880, 52.345),
    ("Amsterdam", "Amsterdam-Oost", 0.148, 4.935, 52.355),
    ("Amsterdam", "Amsterdam-Noord", 0.110, 4.925, 52.395),
    ("Amsterdam", "Amsterdam-Zuidoost", 0.098, 4.975, 52.310),
    ("Amsterdam", "Weesp", 0.021, 5.045, 52.307),
    ("Rotterdam", "Rotterdam-Noord", 0.170, 4.460, 51.945),
    ("Rotterdam", "Rotterdam-Centrum-Kralingen", 0.140, 4.495, 51.922),
    ("Rotterdam", "Rotterdam-Delfshaven", 0.115, 4.445, 51.910),
    ("Rotterdam", "Rotterdam-Prins Alexander", 0.145, 4.550, 51.950),
    ("Rotterdam", "Rotterdam-Feijenoord", 0.115, 4.505, 51.895),
    ("Rotterdam", "Rotterdam-Charlois", 0.105, 4.475, 51.880),
    ("Rotterdam", "Rotterdam-IJsselmonde", 0.090, 4.545, 51.885),
    ("Rotterdam", "Rotterdam-Hoogvliet-Pernis-Rozenburg", 0.080, 4.355, 51.865),
    ("Rotterdam", "Hoek van Holland", 0.015, 4.130, 51.975),
    ("'s-Gravenhage", "Den Haag-Centrum", 0.190, 4.310, 52.075),
    ("'s-Gravenhage", "Den Haag-Scheveningen", 0.110, 4.280, 52.105),
    ("'s-Gravenhage", "Den Haag-Segbroek", 0.110, 4.270, 52.080),
    ("'s-Gravenhage", "Den Haag-Haagse Hout", 0.085, 4.340, 52.090),
    ("'s-Gravenhage", "Den Haag-Laak", 0.080, 4.330, 52.060),
    ("'s-Gravenhage", "Den Haag-Escamp", 0.220, 4.270, 52.045),
    ("'s-Gravenhage", "Den Haag-Loosduinen", 0.090, 4.230, 52.050),
    ("'s-Gravenhage", "Den Haag-Leidschenveen-Ypenburg", 0.100, 4.380, 52.045),
    ("Utrecht", "Utrecht-Binnenstad-Oost", 0.200, 5.130, 52.090),
    ("Utrecht", "Utrecht-Noordoost-Overvecht", 0.250, 5.125, 52.110),
    ("Utrecht", "Utrecht-Noordwest-West", 0.200, 5.090, 52.095),
    ("Utrecht", "Utrecht-Zuid-Zuidwest", 0.170, 5.100, 52.070),
    ("Utrecht", "Utrecht-Leidsche Rijn-Vleuten-De Meern", 0.200, 5.040, 52.095),
    ("Groningen", "Groningen-Centrum-Oost", 0.400, 6.575, 53.220),
    ("Groningen", "Groningen-Zuid", 0.280, 6.560, 53.200),
    ("Groningen", "Groningen-West-Noordwest", 0.200, 6.535, 53.225),
    ("Groningen", "Haren-Ten Boer", 0.120, 6.610, 53.175),
    ("Nijmegen", "Nijmegen-Centrum-Oost", 0.350, 5.870, 51.840),
    ("Nijmegen", "Nijmegen-West-Dukenburg-Lindenholt", 0.350, 5.800, 51.830),
    ("Nijmegen", "Nijmegen-Zuid", 0.150, 5.850, 51.815),
    ("Nijmegen", "Nijmegen-Noord", 0.150, 5.870, 51.870),
)
# source: CBS, Bevolkingsontwikkeling; regio per maand: inhabitants of the Netherlands on
# 1 January 2024. The authored municipal values are compared with it, not scaled to it.
CBS_TOTAL_2024_01_01 = 17_942_942

# Land that is reached only over a bridge, dam, tunnel or ferry (general knowledge of the
# geography). Used to check the road graph: an edge between two landmasses must be a named
# crossing, and access links stay on their own landmass.
LANDMASS_BY_MUNICIPALITY: dict[str, str] = {
    "Texel": "texel",
    "Vlieland": "vlieland",
    "Terschelling": "terschelling",
    "Ameland": "ameland",
    "Schiermonnikoog": "schiermonnikoog",
    "Almere": "flevopolder",
    "Lelystad": "flevopolder",
    "Dronten": "flevopolder",
    "Zeewolde": "flevopolder",
    "Sluis": "zeeuws_vlaanderen",
    "Terneuzen": "zeeuws_vlaanderen",
    "Hulst": "zeeuws_vlaanderen",
    "Schouwen-Duiveland": "schouwen",
    "Noord-Beveland": "noord_beveland",
    "Tholen": "tholen",
    "Goeree-Overflakkee": "goeree",
    "Hoeksche Waard": "hoeksche_waard",
    "Voorne aan Zee": "voorne_putten",
    "Nissewaard": "voorne_putten",
}
# The Wadden islands are zones reached only by ferry (the other landmasses have fixed links).
ISLAND_ZONES = ("texel", "vlieland", "terschelling", "ameland", "schiermonnikoog")

# --- hospital sites with an SEH (situation of April 2025) --------------------------------------
# (site_id, organisation_id, site name, municipality, town as in RIVM's lists, lon, lat,
#  seh, open_hour, close_hour, hap on site, acute obstetrics 24/7)
# sources: RIVM, Kennisnotitie bereikbaarheid SEH's en acute verloskunde 2025 as reported by
#   Skipr (July 2025): 79 SEHs, 76 open 24/7, limited hours at Gelre Zutphen, Amstelland
#   Amstelveen and Franciscus Vlietland Schiedam; Amsterdam UMC location VUmc closed and
#   Zuyderland Sittard-Geleen temporarily closed (both left out here); 71 acute obstetrics
#   units. Closures since 2019 (HMC Bronovo, ADRZ Vlissingen, Treant Hoogeveen and
#   Stadskanaal as basisspoedpost 08-23 without SEH status): Kamerstukken 29247 and the
#   trade press (Skipr, Zorgvisie) as generally known. Hours of the day-only SEHs: Zutphen
#   office hours (NH Nieuws 2023-09, here 08-17), Schiedam 10-21 (AD 2022-07), Amstelveen
#   08-23 (assumption). HAP and acute obstetrics flags per site are approximate: they are
#   set so that the totals match VZinfo (72 of 80 24/7 SEHs with a HAP on site, 2020) and
#   RIVM (71 acute obstetrics units, 2025); the sites marked without one are the ones I
#   am least sure have one, not verified per location. Positions: the hospital's street
#   location as generally known, to about 0.5-2 km.
# fmt: off
SITES: tuple[tuple[str, str, str, str, str, float, float, str, float | None, float | None, bool, bool], ...] = (  # noqa: E501
    ("umcg", "umcg", "UMCG Groningen", "Groningen", "Groningen", 6.577, 53.222, "24/7", None, None, True, True),  # noqa: E501
    ("martini", "martini", "Martini Ziekenhuis Groningen", "Groningen", "Groningen", 6.548, 53.198, "24/7", None, None, True, True),  # noqa: E501
    ("ozg_scheemda", "ozg", "Ommelander Ziekenhuis Groningen, Scheemda", "Oldambt", "Scheemda", 6.975, 53.175, "24/7", None, None, True, True),  # noqa: E501
    ("mcl_leeuwarden", "mcl", "Medisch Centrum Leeuwarden", "Leeuwarden", "Leeuwarden", 5.800, 53.187, "24/7", None, None, True, True),  # noqa: E501
    ("antonius_sneek", "antonius_sneek", "Antonius Ziekenhuis Sneek", "Súdwest-Fryslân", "Sneek", 5.650, 53.030, "24/7", None, None, True, True),  # noqa: E501
    ("tjongerschans", "tjongerschans", "Tjongerschans Heerenveen", "Heerenveen", "Heerenveen", 5.935, 52.958, "24/7", None, None, True, True),  # noqa: E501
    ("nij_smellinghe", "nij_smellinghe", "Nij Smellinghe Drachten", "Smallingerland", "Drachten", 6.090, 53.103, "24/7", None, None, True, True),  # noqa: E501
    ("wza_assen", "wza", "Wilhelmina Ziekenhuis Assen", "Assen", "Assen", 6.575, 52.985, "24/7", None, None, True, True),  # noqa: E501
    ("treant_emmen", "treant", "Treant Scheper Emmen", "Emmen", "Emmen", 6.900, 52.790, "24/7", None, None, True, True),  # noqa: E501
    ("isala_meppel", "isala", "Isala Meppel", "Meppel", "Meppel", 6.205, 52.700, "24/7", None, None, True, False),  # noqa: E501
    ("isala_zwolle", "isala", "Isala Zwolle", "Zwolle", "Zwolle", 6.108, 52.513, "24/7", None, None, True, True),  # noqa: E501
    ("deventer", "deventer", "Deventer Ziekenhuis", "Deventer", "Deventer", 6.185, 52.245, "24/7", None, None, True, True),  # noqa: E501
    ("mst_enschede", "mst", "Medisch Spectrum Twente Enschede", "Enschede", "Enschede", 6.890, 52.215, "24/7", None, None, True, True),  # noqa: E501
    ("zgt_almelo", "zgt", "Ziekenhuisgroep Twente Almelo", "Almelo", "Almelo", 6.640, 52.340, "24/7", None, None, True, True),  # noqa: E501
    ("saxenburgh_hardenberg", "saxenburgh", "Saxenburgh Hardenberg", "Hardenberg", "Hardenberg", 6.625, 52.575, "24/7", None, None, True, True),  # noqa: E501
    ("flevoziekenhuis", "flevoziekenhuis", "Flevoziekenhuis Almere", "Almere", "Almere", 5.218, 52.370, "24/7", None, None, True, True),  # noqa: E501
    ("gelre_apeldoorn", "gelre", "Gelre Apeldoorn", "Apeldoorn", "Apeldoorn", 5.947, 52.203, "24/7", None, None, True, True),  # noqa: E501
    ("gelre_zutphen", "gelre", "Gelre Zutphen", "Zutphen", "Zutphen", 6.215, 52.145, "day", 8.0, 17.0, True, False),  # noqa: E501
    ("rijnstate_arnhem", "rijnstate", "Rijnstate Arnhem", "Arnhem", "Arnhem", 5.945, 51.985, "24/7", None, None, True, True),  # noqa: E501
    ("radboudumc", "radboudumc", "Radboudumc Nijmegen", "Nijmegen", "Nijmegen", 5.860, 51.825, "24/7", None, None, False, True),  # noqa: E501
    ("cwz_nijmegen", "cwz", "Canisius Wilhelmina Ziekenhuis Nijmegen", "Nijmegen", "Nijmegen", 5.840, 51.842, "24/7", None, None, True, True),  # noqa: E501
    ("gelderse_vallei", "gelderse_vallei", "Ziekenhuis Gelderse Vallei Ede", "Ede", "Ede", 5.672, 52.030, "24/7", None, None, True, True),  # noqa: E501
    ("st_jansdal_harderwijk", "st_jansdal", "St Jansdal Harderwijk", "Harderwijk", "Harderwijk", 5.630, 52.345, "24/7", None, None, True, True),  # noqa: E501
    ("slingeland_doetinchem", "santiz", "Slingeland Ziekenhuis Doetinchem", "Doetinchem", "Doetinchem", 6.280, 51.965, "24/7", None, None, True, True),  # noqa: E501
    ("skb_winterswijk", "skb", "Streekziekenhuis Koningin Beatrix Winterswijk", "Winterswijk", "Winterswijk", 6.720, 51.975, "24/7", None, None, True, True),  # noqa: E501
    ("rivierenland_tiel", "rivierenland", "Ziekenhuis Rivierenland Tiel", "Tiel", "Tiel", 5.420, 51.880, "24/7", None, None, True, True),  # noqa: E501
    ("umcu", "umcu", "UMC Utrecht", "Utrecht", "Utrecht", 5.180, 52.087, "24/7", None, None, False, True),  # noqa: E501
    ("antonius_nieuwegein", "st_antonius", "St. Antonius Ziekenhuis Nieuwegein", "Nieuwegein", "Nieuwegein", 5.095, 52.035, "24/7", None, None, True, True),  # noqa: E501
    ("antonius_utrecht", "st_antonius", "St. Antonius Ziekenhuis Utrecht", "Utrecht", "Utrecht", 5.110, 52.110, "24/7", None, None, False, False),  # noqa: E501
    ("diakonessenhuis_utrecht", "diakonessenhuis", "Diakonessenhuis Utrecht", "Utrecht", "Utrecht", 5.135, 52.075, "24/7", None, None, True, True),  # noqa: E501
    ("meander_amersfoort", "meander", "Meander Medisch Centrum Amersfoort", "Amersfoort", "Amersfoort", 5.355, 52.175, "24/7", None, None, True, True),  # noqa: E501
    ("tergooi_hilversum", "tergooi", "Tergooi MC Hilversum", "Hilversum", "Hilversum", 5.175, 52.225, "24/7", None, None, True, True),  # noqa: E501
    ("amsterdam_umc_amc", "amsterdam_umc", "Amsterdam UMC locatie AMC", "Amsterdam", "Amsterdam", 4.958, 52.294, "24/7", None, None, False, True),  # noqa: E501
    ("olvg_oost", "olvg", "OLVG Oost", "Amsterdam", "Amsterdam", 4.915, 52.359, "24/7", None, None, True, True),  # noqa: E501
    ("olvg_west", "olvg", "OLVG West", "Amsterdam", "Amsterdam", 4.840, 52.372, "24/7", None, None, False, False),  # noqa: E501
    ("boven_ij", "boven_ij", "BovenIJ Ziekenhuis Amsterdam-Noord", "Amsterdam", "Amsterdam", 4.925, 52.405, "24/7", None, None, True, True),  # noqa: E501
    ("amstelland", "amstelland", "Ziekenhuis Amstelland Amstelveen", "Amstelveen", "Amstelveen", 4.860, 52.300, "day", 8.0, 23.0, True, True),  # noqa: E501
    ("spaarne_hoofddorp", "spaarne", "Spaarne Gasthuis Hoofddorp", "Haarlemmermeer", "Hoofddorp", 4.680, 52.297, "24/7", None, None, True, True),  # noqa: E501
    ("spaarne_haarlem", "spaarne", "Spaarne Gasthuis Haarlem Zuid", "Haarlem", "Haarlem", 4.655, 52.363, "24/7", None, None, True, True),  # noqa: E501
    ("rkz_beverwijk", "rkz", "Rode Kruis Ziekenhuis Beverwijk", "Beverwijk", "Beverwijk", 4.665, 52.487, "24/7", None, None, True, True),  # noqa: E501
    ("nwz_alkmaar", "nwz", "Noordwest Ziekenhuisgroep Alkmaar", "Alkmaar", "Alkmaar", 4.737, 52.628, "24/7", None, None, True, True),  # noqa: E501
    ("nwz_den_helder", "nwz", "Noordwest Ziekenhuisgroep Den Helder", "Den Helder", "Den Helder", 4.765, 52.945, "24/7", None, None, True, True),  # noqa: E501
    ("dijklander_hoorn", "dijklander", "Dijklander Ziekenhuis Hoorn", "Hoorn", "Hoorn", 5.055, 52.648, "24/7", None, None, True, True),  # noqa: E501
    ("dijklander_purmerend", "dijklander", "Dijklander Ziekenhuis Purmerend", "Purmerend", "Purmerend", 4.955, 52.505, "24/7", None, None, True, False),  # noqa: E501
    ("zaans_mc", "zaans_mc", "Zaans Medisch Centrum Zaandam", "Zaanstad", "Zaandam", 4.830, 52.445, "24/7", None, None, True, True),  # noqa: E501
    ("lumc", "lumc", "LUMC Leiden", "Leiden", "Leiden", 4.478, 52.166, "24/7", None, None, False, True),  # noqa: E501
    ("alrijne_leiderdorp", "alrijne", "Alrijne Ziekenhuis Leiderdorp", "Leiderdorp", "Leiderdorp", 4.528, 52.162, "24/7", None, None, True, True),  # noqa: E501
    ("ghz_gouda", "ghz", "Groene Hart Ziekenhuis Gouda", "Gouda", "Gouda", 4.695, 52.020, "24/7", None, None, True, True),  # noqa: E501
    ("hmc_westeinde", "hmc", "Haaglanden MC Westeinde", "'s-Gravenhage", "Den Haag", 4.302, 52.072, "24/7", None, None, True, True),  # noqa: E501
    ("haga_den_haag", "haga", "HagaZiekenhuis Den Haag", "'s-Gravenhage", "Den Haag", 4.272, 52.040, "24/7", None, None, True, True),  # noqa: E501
    ("haga_zoetermeer", "haga", "HagaZiekenhuis Zoetermeer", "Zoetermeer", "Zoetermeer", 4.482, 52.063, "24/7", None, None, False, False),  # noqa: E501
    ("rdgg_delft", "rdgg", "Reinier de Graaf Delft", "Delft", "Delft", 4.352, 51.997, "24/7", None, None, True, True),  # noqa: E501
    ("erasmus_mc", "erasmus_mc", "Erasmus MC Rotterdam", "Rotterdam", "Rotterdam", 4.468, 51.910, "24/7", None, None, False, True),  # noqa: E501
    ("maasstad", "maasstad", "Maasstad Ziekenhuis Rotterdam", "Rotterdam", "Rotterdam", 4.520, 51.895, "24/7", None, None, True, True),  # noqa: E501
    ("franciscus_gasthuis", "franciscus", "Franciscus Gasthuis Rotterdam", "Rotterdam", "Rotterdam", 4.445, 51.940, "24/7", None, None, True, True),  # noqa: E501
    ("franciscus_vlietland", "franciscus", "Franciscus Vlietland Schiedam", "Schiedam", "Schiedam", 4.380, 51.930, "day", 10.0, 21.0, True, False),  # noqa: E501
    ("ikazia", "ikazia", "Ikazia Ziekenhuis Rotterdam", "Rotterdam", "Rotterdam", 4.485, 51.883, "24/7", None, None, True, True),  # noqa: E501
    ("spijkenisse_mc", "spijkenisse_mc", "Spijkenisse Medisch Centrum", "Nissewaard", "Spijkenisse", 4.315, 51.845, "24/7", None, None, True, True),  # noqa: E501
    ("van_weel_bethesda", "van_weel_bethesda", "Het Van Weel-Bethesda Ziekenhuis Dirksland", "Goeree-Overflakkee", "Dirksland", 4.100, 51.750, "24/7", None, None, True, True),  # noqa: E501
    ("asz_dordrecht", "asz", "Albert Schweitzer ziekenhuis Dordrecht", "Dordrecht", "Dordrecht", 4.705, 51.795, "24/7", None, None, True, True),  # noqa: E501
    ("beatrix_gorinchem", "rivas", "Beatrixziekenhuis Gorinchem", "Gorinchem", "Gorinchem", 4.975, 51.840, "24/7", None, None, True, True),  # noqa: E501
    ("ijsselland", "ijsselland", "IJsselland Ziekenhuis Capelle aan den IJssel", "Capelle aan den IJssel", "Capelle aan den IJssel", 4.575, 51.935, "24/7", None, None, True, True),  # noqa: E501
    ("adrz_goes", "adrz", "Admiraal De Ruyter Ziekenhuis Goes", "Goes", "Goes", 3.895, 51.500, "24/7", None, None, True, True),  # noqa: E501
    ("zorgsaam_terneuzen", "zorgsaam", "ZorgSaam Ziekenhuis Terneuzen", "Terneuzen", "Terneuzen", 3.830, 51.330, "24/7", None, None, True, True),  # noqa: E501
    ("amphia_breda", "amphia", "Amphia Breda", "Breda", "Breda", 4.790, 51.560, "24/7", None, None, True, True),  # noqa: E501
    ("bravis_roosendaal", "bravis", "Bravis Ziekenhuis Roosendaal", "Roosendaal", "Roosendaal", 4.470, 51.535, "24/7", None, None, True, True),  # noqa: E501
    ("bravis_bergen_op_zoom", "bravis", "Bravis Ziekenhuis Bergen op Zoom", "Bergen op Zoom", "Bergen op Zoom", 4.290, 51.500, "24/7", None, None, True, False),  # noqa: E501
    ("etz_elisabeth", "etz", "ETZ Elisabeth Tilburg", "Tilburg", "Tilburg", 5.060, 51.560, "24/7", None, None, True, True),  # noqa: E501
    ("jbz", "jbz", "Jeroen Bosch Ziekenhuis 's-Hertogenbosch", "'s-Hertogenbosch", "'s-Hertogenbosch", 5.285, 51.680, "24/7", None, None, True, True),  # noqa: E501
    ("bernhoven", "bernhoven", "Bernhoven Uden", "Maashorst", "Uden", 5.620, 51.660, "24/7", None, None, True, True),  # noqa: E501
    ("maasziekenhuis", "maasziekenhuis", "Maasziekenhuis Pantein Boxmeer", "Land van Cuijk", "Boxmeer", 5.945, 51.650, "24/7", None, None, True, True),  # noqa: E501
    ("catharina", "catharina", "Catharina Ziekenhuis Eindhoven", "Eindhoven", "Eindhoven", 5.475, 51.465, "24/7", None, None, True, True),  # noqa: E501
    ("mmc_veldhoven", "mmc", "Máxima MC Veldhoven", "Veldhoven", "Veldhoven", 5.395, 51.410, "24/7", None, None, True, True),  # noqa: E501
    ("elkerliek", "elkerliek", "Elkerliek Ziekenhuis Helmond", "Helmond", "Helmond", 5.655, 51.475, "24/7", None, None, True, True),  # noqa: E501
    ("anna_geldrop", "anna", "Anna Ziekenhuis Geldrop", "Geldrop-Mierlo", "Geldrop", 5.560, 51.420, "24/7", None, None, True, False),  # noqa: E501
    ("sjg_weert", "sjg", "SJG Weert", "Weert", "Weert", 5.700, 51.250, "24/7", None, None, True, True),  # noqa: E501
    ("laurentius_roermond", "laurentius", "Laurentius Ziekenhuis Roermond", "Roermond", "Roermond", 5.990, 51.195, "24/7", None, None, True, True),  # noqa: E501
    ("viecuri_venlo", "viecuri", "VieCuri Medisch Centrum Venlo", "Venlo", "Venlo", 6.175, 51.380, "24/7", None, None, True, True),  # noqa: E501
    ("zuyderland_heerlen", "zuyderland", "Zuyderland Medisch Centrum Heerlen", "Heerlen", "Heerlen", 5.965, 50.885, "24/7", None, None, True, True),  # noqa: E501
    ("mumc", "mumc", "Maastricht UMC+", "Maastricht", "Maastricht", 5.695, 50.835, "24/7", None, None, True, True),  # noqa: E501
)
# fmt: on
ORGANISATIONS: dict[str, str] = {
    "umcg": "Universitair Medisch Centrum Groningen",
    "martini": "Martini Ziekenhuis",
    "ozg": "Ommelander Ziekenhuis Groningen",
    "mcl": "Medisch Centrum Leeuwarden",
    "antonius_sneek": "Antonius Zorggroep Sneek",
    "tjongerschans": "Tjongerschans",
    "nij_smellinghe": "Nij Smellinghe",
    "wza": "Wilhelmina Ziekenhuis Assen",
    "treant": "Treant",
    "isala": "Isala",
    "deventer": "Deventer Ziekenhuis",
    "mst": "Medisch Spectrum Twente",
    "zgt": "Ziekenhuisgroep Twente",
    "saxenburgh": "Saxenburgh",
    "flevoziekenhuis": "Flevoziekenhuis",
    "gelre": "Gelre ziekenhuizen",
    "rijnstate": "Rijnstate",
    "radboudumc": "Radboudumc",
    "cwz": "Canisius Wilhelmina Ziekenhuis",
    "gelderse_vallei": "Ziekenhuis Gelderse Vallei",
    "st_jansdal": "St Jansdal",
    "santiz": "Santiz (Slingeland Ziekenhuis)",
    "skb": "Streekziekenhuis Koningin Beatrix",
    "rivierenland": "Ziekenhuis Rivierenland",
    "umcu": "UMC Utrecht",
    "st_antonius": "St. Antonius Ziekenhuis",
    "diakonessenhuis": "Diakonessenhuis",
    "meander": "Meander Medisch Centrum",
    "tergooi": "Tergooi MC",
    "amsterdam_umc": "Amsterdam UMC",
    "olvg": "OLVG",
    "boven_ij": "BovenIJ Ziekenhuis",
    "amstelland": "Ziekenhuis Amstelland",
    "spaarne": "Spaarne Gasthuis",
    "rkz": "Rode Kruis Ziekenhuis",
    "nwz": "Noordwest Ziekenhuisgroep",
    "dijklander": "Dijklander Ziekenhuis",
    "zaans_mc": "Zaans Medisch Centrum",
    "lumc": "Leids Universitair Medisch Centrum",
    "alrijne": "Alrijne Ziekenhuis",
    "ghz": "Groene Hart Ziekenhuis",
    "hmc": "Haaglanden Medisch Centrum",
    "haga": "HagaZiekenhuis",
    "rdgg": "Reinier de Graaf",
    "erasmus_mc": "Erasmus MC",
    "maasstad": "Maasstad Ziekenhuis",
    "franciscus": "Franciscus Gasthuis & Vlietland",
    "ikazia": "Ikazia Ziekenhuis",
    "spijkenisse_mc": "Spijkenisse Medisch Centrum",
    "van_weel_bethesda": "Het Van Weel-Bethesda Ziekenhuis",
    "asz": "Albert Schweitzer ziekenhuis",
    "rivas": "Rivas Zorggroep",
    "ijsselland": "IJsselland Ziekenhuis",
    "adrz": "Admiraal De Ruyter Ziekenhuis",
    "zorgsaam": "ZorgSaam Zorggroep Zeeuws-Vlaanderen",
    "amphia": "Amphia",
    "bravis": "Bravis ziekenhuis",
    "etz": "Elisabeth-TweeSteden Ziekenhuis",
    "jbz": "Jeroen Bosch Ziekenhuis",
    "bernhoven": "Bernhoven",
    "maasziekenhuis": "Maasziekenhuis Pantein",
    "catharina": "Catharina Ziekenhuis",
    "mmc": "Máxima MC",
    "elkerliek": "Elkerliek ziekenhuis",
    "anna": "Anna Ziekenhuis",
    "sjg": "SJG Weert",
    "laurentius": "Laurentius Ziekenhuis",
    "viecuri": "VieCuri Medisch Centrum",
    "zuyderland": "Zuyderland Medisch Centrum",
    "mumc": "Maastricht UMC+",
}

# --- ambulance posts with 24/7 availability ---------------------------------------------------
# (post name, municipality, lon, lat), grouped by ambulance region (RAV = veiligheidsregio).
# source of the count: RIVM, Kennisnotitie 2025 via Skipr (2025-07): 221 posts with 24/7
#   readiness in 2024-2025. The locations are authored from general knowledge: one post in
#   every larger town of each RAV region and more in the cities; they are NOT RIVM's list,
#   so individual posts may be missing or misplaced (town-level positions, a few km).
POSTS: tuple[tuple[str, str, float, float], ...] = (
    # VR01 Groningen (12)
    ("Groningen Noord", "Groningen", 6.560, 53.235),
    ("Groningen Zuid", "Groningen", 6.580, 53.200),
    ("Delfzijl", "Eemsdelta", 6.925, 53.330),
    ("Winschoten", "Oldambt", 7.035, 53.145),
    ("Veendam", "Veendam", 6.875, 53.105),
    ("Stadskanaal", "Stadskanaal", 6.950, 52.990),
    ("Hoogezand", "Midden-Groningen", 6.760, 53.160),
    ("Ter Apel", "Westerwolde", 7.070, 52.875),
    ("Leek", "Westerkwartier", 6.380, 53.162),
    ("Zuidhorn", "Westerkwartier", 6.400, 53.245),
    ("Uithuizen", "Het Hogeland", 6.670, 53.405),
    ("Winsum", "Het Hogeland", 6.520, 53.330),
    # VR02 Fryslân (17)
    ("Leeuwarden", "Leeuwarden", 5.800, 53.200),
    ("Sneek", "Súdwest-Fryslân", 5.660, 53.032),
    ("Heerenveen", "Heerenveen", 5.925, 52.960),
    ("Drachten", "Smallingerland", 6.100, 53.105),
    ("Dokkum", "Noardeast-Fryslân", 5.998, 53.325),
    ("Franeker", "Waadhoeke", 5.545, 53.187),
    ("Harlingen", "Harlingen", 5.420, 53.175),
    ("Bolsward", "Súdwest-Fryslân", 5.530, 53.065),
    ("Joure", "De Fryske Marren", 5.790, 52.965),
    ("Lemmer", "De Fryske Marren", 5.710, 52.845),
    ("Wolvega", "Weststellingwerf", 5.995, 52.875),
    ("Oosterwolde", "Ooststellingwerf", 6.290, 52.990),
    ("Buitenpost", "Achtkarspelen", 6.145, 53.252),
    ("Nes (Ameland)", "Ameland", 5.775, 53.445),
    ("West-Terschelling", "Terschelling", 5.220, 53.360),
    ("Vlieland", "Vlieland", 5.075, 53.297),
    ("Schiermonnikoog", "Schiermonnikoog", 6.165, 53.480),
    # VR03 Drenthe (8)
    ("Assen", "Assen", 6.565, 52.995),
    ("Emmen", "Emmen", 6.900, 52.785),
    ("Hoogeveen", "Hoogeveen", 6.475, 52.725),
    ("Meppel", "Meppel", 6.195, 52.695),
    ("Beilen", "Midden-Drenthe", 6.515, 52.860),
    ("Coevorden", "Coevorden", 6.745, 52.660),
    ("Borger", "Borger-Odoorn", 6.790, 52.925),
    ("Roden", "Noordenveld", 6.430, 53.135),
    # VR04 IJsselland (8)
    ("Zwolle Noord", "Zwolle", 6.100, 52.525),
    ("Zwolle Zuid", "Zwolle", 6.090, 52.495),
    ("Deventer", "Deventer", 6.160, 52.255),
    ("Kampen", "Kampen", 5.910, 52.555),
    ("Raalte", "Raalte", 6.275, 52.385),
    ("Hardenberg", "Hardenberg", 6.620, 52.575),
    ("Ommen", "Ommen", 6.420, 52.520),
    ("Steenwijk", "Steenwijkerland", 6.120, 52.790),
    # VR05 Twente (9)
    ("Enschede", "Enschede", 6.895, 52.220),
    ("Hengelo", "Hengelo", 6.795, 52.265),
    ("Almelo", "Almelo", 6.665, 52.355),
    ("Oldenzaal", "Oldenzaal", 6.930, 52.312),
    ("Haaksbergen", "Haaksbergen", 6.740, 52.155),
    ("Rijssen", "Rijssen-Holten", 6.520, 52.305),
    ("Vriezenveen", "Twenterand", 6.620, 52.410),
    ("Nijverdal", "Hellendoorn", 6.465, 52.360),
    ("Goor", "Hof van Twente", 6.585, 52.235),
    # VR06 Noord- en Oost-Gelderland (12)
    ("Apeldoorn", "Apeldoorn", 5.965, 52.210),
    ("Zutphen", "Zutphen", 6.200, 52.140),
    ("Doetinchem", "Doetinchem", 6.290, 51.965),
    ("Winterswijk", "Winterswijk", 6.720, 51.970),
    ("Harderwijk", "Harderwijk", 5.620, 52.345),
    ("Elburg", "Elburg", 5.835, 52.445),
    ("Nunspeet", "Nunspeet", 5.785, 52.375),
    ("Epe", "Epe", 5.985, 52.350),
    ("Lochem", "Lochem", 6.410, 52.160),
    ("Groenlo", "Oost Gelre", 6.615, 52.045),
    ("Ulft", "Oude IJsselstreek", 6.380, 51.895),
    ("Eibergen", "Berkelland", 6.645, 52.100),
    # VR07 Gelderland-Midden (7)
    ("Arnhem Noord", "Arnhem", 5.910, 52.000),
    ("Arnhem Zuid", "Arnhem", 5.900, 51.960),
    ("Ede", "Ede", 5.665, 52.040),
    ("Wageningen", "Wageningen", 5.665, 51.970),
    ("Barneveld", "Barneveld", 5.590, 52.140),
    ("Zevenaar", "Zevenaar", 6.070, 51.925),
    ("Dieren", "Rheden", 6.100, 52.050),
    # VR08 Gelderland-Zuid (7)
    ("Nijmegen", "Nijmegen", 5.855, 51.840),
    ("Nijmegen Dukenburg", "Nijmegen", 5.800, 51.825),
    ("Tiel", "Tiel", 5.430, 51.885),
    ("Zaltbommel", "Zaltbommel", 5.245, 51.810),
    ("Culemborg", "Culemborg", 5.225, 51.955),
    ("Wijchen", "Wijchen", 5.725, 51.810),
    ("Druten", "Druten", 5.605, 51.890),
    # VR09 Utrecht (12)
    ("Utrecht Centrum", "Utrecht", 5.115, 52.090),
    ("Utrecht Overvecht", "Utrecht", 5.115, 52.115),
    ("Amersfoort", "Amersfoort", 5.390, 52.155),
    ("Nieuwegein", "Nieuwegein", 5.085, 52.030),
    ("Zeist", "Zeist", 5.235, 52.090),
    ("Veenendaal", "Veenendaal", 5.555, 52.025),
    ("Woerden", "Woerden", 4.885, 52.085),
    ("Houten", "Houten", 5.170, 52.030),
    ("Maarssen", "Stichtse Vecht", 5.040, 52.140),
    ("Soest", "Soest", 5.300, 52.175),
    ("Wijk bij Duurstede", "Wijk bij Duurstede", 5.340, 51.975),
    ("Mijdrecht", "De Ronde Venen", 4.860, 52.205),
    # VR10 Noord-Holland-Noord (8)
    ("Alkmaar", "Alkmaar", 4.745, 52.630),
    ("Den Helder", "Den Helder", 4.760, 52.940),
    ("Hoorn", "Hoorn", 5.060, 52.643),
    ("Schagen", "Schagen", 4.800, 52.787),
    ("Heerhugowaard", "Dijk en Waard", 4.830, 52.665),
    ("Enkhuizen", "Enkhuizen", 5.285, 52.703),
    ("Wieringerwerf", "Hollands Kroon", 5.030, 52.850),
    ("Den Burg (Texel)", "Texel", 4.797, 53.053),
    # VR11 Zaanstreek-Waterland (3)
    ("Zaandam", "Zaanstad", 4.825, 52.440),
    ("Purmerend", "Purmerend", 4.950, 52.505),
    ("Volendam", "Edam-Volendam", 5.070, 52.495),
    # VR12 Kennemerland (5)
    ("Haarlem", "Haarlem", 4.640, 52.380),
    ("Hoofddorp", "Haarlemmermeer", 4.690, 52.300),
    ("Beverwijk", "Beverwijk", 4.660, 52.485),
    ("Nieuw-Vennep", "Haarlemmermeer", 4.630, 52.265),
    ("Zandvoort", "Zandvoort", 4.535, 52.372),
    # VR13 Amsterdam-Amstelland (9)
    ("Amsterdam Noord", "Amsterdam", 4.922, 52.405),
    ("Amsterdam West", "Amsterdam", 4.840, 52.370),
    ("Amsterdam Oost", "Amsterdam", 4.940, 52.355),
    ("Amsterdam Zuid", "Amsterdam", 4.875, 52.340),
    ("Amsterdam Zuidoost", "Amsterdam", 4.965, 52.310),
    ("Amsterdam Nieuw-West", "Amsterdam", 4.800, 52.360),
    ("Amstelveen", "Amstelveen", 4.860, 52.300),
    ("Aalsmeer", "Aalsmeer", 4.765, 52.262),
    ("Uithoorn", "Uithoorn", 4.825, 52.237),
    # VR14 Gooi en Vechtstreek (3)
    ("Hilversum", "Hilversum", 5.175, 52.225),
    ("Huizen", "Huizen", 5.240, 52.297),
    ("Bussum", "Gooise Meren", 5.160, 52.275),
    # VR15 Haaglanden (7)
    ("Den Haag Centrum", "'s-Gravenhage", 4.305, 52.075),
    ("Den Haag Zuidwest", "'s-Gravenhage", 4.265, 52.050),
    ("Scheveningen", "'s-Gravenhage", 4.280, 52.105),
    ("Delft", "Delft", 4.360, 52.010),
    ("Zoetermeer", "Zoetermeer", 4.490, 52.060),
    ("Naaldwijk", "Westland", 4.205, 51.995),
    ("Leidschendam", "Leidschendam-Voorburg", 4.390, 52.085),
    # VR16 Hollands Midden (9)
    ("Leiden", "Leiden", 4.490, 52.160),
    ("Alphen aan den Rijn", "Alphen aan den Rijn", 4.660, 52.130),
    ("Gouda", "Gouda", 4.710, 52.015),
    ("Katwijk", "Katwijk", 4.420, 52.200),
    ("Noordwijk", "Noordwijk", 4.445, 52.240),
    ("Lisse", "Lisse", 4.555, 52.255),
    ("Bodegraven", "Bodegraven-Reeuwijk", 4.745, 52.080),
    ("Nieuwkoop", "Nieuwkoop", 4.780, 52.150),
    ("Schoonhoven", "Krimpenerwaard", 4.850, 51.950),
    # VR17 Rotterdam-Rijnmond (15)
    ("Rotterdam Centrum", "Rotterdam", 4.475, 51.920),
    ("Rotterdam Noord", "Rotterdam", 4.470, 51.940),
    ("Rotterdam Zuid", "Rotterdam", 4.500, 51.885),
    ("Rotterdam Alexander", "Rotterdam", 4.555, 51.950),
    ("Rotterdam IJsselmonde", "Rotterdam", 4.545, 51.890),
    ("Schiedam", "Schiedam", 4.400, 51.920),
    ("Vlaardingen", "Vlaardingen", 4.345, 51.910),
    ("Maassluis", "Maassluis", 4.255, 51.920),
    ("Capelle aan den IJssel", "Capelle aan den IJssel", 4.580, 51.930),
    ("Spijkenisse", "Nissewaard", 4.330, 51.845),
    ("Hellevoetsluis", "Voorne aan Zee", 4.135, 51.825),
    ("Barendrecht", "Barendrecht", 4.535, 51.855),
    ("Ridderkerk", "Ridderkerk", 4.600, 51.875),
    ("Middelharnis", "Goeree-Overflakkee", 4.165, 51.755),
    ("Ouddorp", "Goeree-Overflakkee", 3.935, 51.810),
    # VR18 Zuid-Holland-Zuid (6)
    ("Dordrecht", "Dordrecht", 4.690, 51.810),
    ("Gorinchem", "Gorinchem", 4.975, 51.835),
    ("Zwijndrecht", "Zwijndrecht", 4.640, 51.815),
    ("Sliedrecht", "Sliedrecht", 4.775, 51.825),
    ("Oud-Beijerland", "Hoeksche Waard", 4.410, 51.825),
    ("Numansdorp", "Hoeksche Waard", 4.440, 51.735),
    # VR19 Zeeland (10)
    ("Goes", "Goes", 3.890, 51.505),
    ("Vlissingen", "Vlissingen", 3.575, 51.445),
    ("Middelburg", "Middelburg", 3.610, 51.500),
    ("Terneuzen", "Terneuzen", 3.830, 51.335),
    ("Hulst", "Hulst", 4.050, 51.280),
    ("Oostburg", "Sluis", 3.490, 51.325),
    ("Zierikzee", "Schouwen-Duiveland", 3.915, 51.650),
    ("Tholen", "Tholen", 4.205, 51.530),
    ("Renesse", "Schouwen-Duiveland", 3.770, 51.735),
    ("Kruiningen", "Reimerswaal", 4.030, 51.445),
    # VR20 Midden- en West-Brabant (13)
    ("Breda", "Breda", 4.775, 51.590),
    ("Tilburg", "Tilburg", 5.080, 51.560),
    ("Roosendaal", "Roosendaal", 4.465, 51.535),
    ("Bergen op Zoom", "Bergen op Zoom", 4.290, 51.495),
    ("Oosterhout", "Oosterhout", 4.860, 51.645),
    ("Etten-Leur", "Etten-Leur", 4.635, 51.575),
    ("Waalwijk", "Waalwijk", 5.070, 51.685),
    ("Zevenbergen", "Moerdijk", 4.610, 51.645),
    ("Raamsdonksveer", "Geertruidenberg", 4.870, 51.695),
    ("Steenbergen", "Steenbergen", 4.310, 51.585),
    ("Baarle-Nassau", "Baarle-Nassau", 4.930, 51.445),
    ("Zundert", "Zundert", 4.660, 51.470),
    ("Werkendam", "Altena", 4.890, 51.810),
    # VR21 Brabant-Noord (8)
    ("'s-Hertogenbosch", "'s-Hertogenbosch", 5.305, 51.690),
    ("Oss", "Oss", 5.530, 51.765),
    ("Uden", "Maashorst", 5.620, 51.660),
    ("Boxmeer", "Land van Cuijk", 5.945, 51.645),
    ("Veghel", "Meierijstad", 5.545, 51.615),
    ("Boxtel", "Boxtel", 5.325, 51.590),
    ("Cuijk", "Land van Cuijk", 5.880, 51.730),
    ("Drunen", "Heusden", 5.130, 51.685),
    # VR22 Brabant-Zuidoost (10)
    ("Eindhoven", "Eindhoven", 5.475, 51.440),
    ("Helmond", "Helmond", 5.660, 51.480),
    ("Veldhoven", "Veldhoven", 5.400, 51.410),
    ("Geldrop", "Geldrop-Mierlo", 5.560, 51.420),
    ("Valkenswaard", "Valkenswaard", 5.460, 51.350),
    ("Best", "Best", 5.395, 51.505),
    ("Deurne", "Deurne", 5.795, 51.460),
    ("Asten", "Asten", 5.750, 51.405),
    ("Bladel", "Bladel", 5.220, 51.370),
    ("Gemert", "Gemert-Bakel", 5.690, 51.555),
    # VR23 Limburg-Noord (8)
    ("Venlo", "Venlo", 6.170, 51.370),
    ("Roermond", "Roermond", 5.985, 51.195),
    ("Weert", "Weert", 5.705, 51.250),
    ("Venray", "Venray", 5.975, 51.525),
    ("Panningen", "Peel en Maas", 5.980, 51.330),
    ("Horst", "Horst aan de Maas", 6.050, 51.455),
    ("Echt", "Echt-Susteren", 5.870, 51.105),
    ("Gennep", "Gennep", 5.975, 51.700),
    # VR24 Zuid-Limburg (8)
    ("Maastricht", "Maastricht", 5.690, 50.850),
    ("Heerlen", "Heerlen", 5.980, 50.885),
    ("Sittard", "Sittard-Geleen", 5.865, 51.000),
    ("Geleen", "Sittard-Geleen", 5.830, 50.970),
    ("Kerkrade", "Kerkrade", 6.060, 50.865),
    ("Valkenburg", "Valkenburg aan de Geul", 5.830, 50.865),
    ("Gulpen", "Gulpen-Wittem", 5.890, 50.815),
    ("Brunssum", "Brunssum", 5.975, 50.945),
    # VR25 Flevoland (7)
    ("Almere Stad", "Almere", 5.215, 52.372),
    ("Almere Buiten", "Almere", 5.270, 52.390),
    ("Lelystad", "Lelystad", 5.475, 52.510),
    ("Emmeloord", "Noordoostpolder", 5.750, 52.710),
    ("Dronten", "Dronten", 5.720, 52.525),
    ("Zeewolde", "Zeewolde", 5.540, 52.330),
    ("Urk", "Urk", 5.600, 52.662),
)

# --- coarse national road graph ----------------------------------------------------------------
# Nodes: towns and junctions on the motorways and main roads (name -> lon, lat, landmass; ""
# is the mainland). source: the national motorway (A) and main-road (N) network as generally
# known (Rijkswaterstaat road numbering); positions to about 1-3 km. Belgian nodes carry
# the land route to Zeeuws-Vlaanderen around the Westerschelde.
NODES: dict[str, tuple[float, float, str]] = {
    # Noord-Holland
    "Den Helder": (4.760, 52.940, ""),
    "Den Helder veerhaven": (4.782, 52.962, ""),
    "Schagen": (4.800, 52.787, ""),
    "Wieringerwerf": (5.030, 52.850, ""),
    "Den Oever": (5.030, 52.935, ""),
    "Kornwerderzand": (5.335, 53.073, ""),
    "Medemblik": (5.105, 52.770, ""),
    "Enkhuizen": (5.285, 52.703, ""),
    "Hoorn": (5.060, 52.643, ""),
    "Heerhugowaard": (4.830, 52.665, ""),
    "Alkmaar": (4.745, 52.630, ""),
    "Castricum": (4.670, 52.548, ""),
    "Beverwijk": (4.660, 52.485, ""),
    "Velsen": (4.620, 52.460, ""),
    "Haarlem": (4.640, 52.380, ""),
    "Zandvoort": (4.535, 52.372, ""),
    "Hoofddorp": (4.690, 52.300, ""),
    "Schiphol": (4.760, 52.310, ""),
    "Nieuw-Vennep": (4.630, 52.265, ""),
    "Aalsmeer": (4.765, 52.262, ""),
    "Amstelveen": (4.860, 52.300, ""),
    "Uithoorn": (4.825, 52.237, ""),
    "Amsterdam-Centrum": (4.900, 52.372, ""),
    "Amsterdam-West": (4.830, 52.375, ""),
    "Amsterdam-Noord": (4.920, 52.400, ""),
    "Amsterdam-Zuid": (4.875, 52.338, ""),
    "Amsterdam-Oost": (4.960, 52.350, ""),
    "Amsterdam-Zuidoost": (4.955, 52.310, ""),
    "Zaandam": (4.825, 52.440, ""),
    "Purmerend": (4.950, 52.505, ""),
    "Volendam": (5.060, 52.498, ""),
    "Muiden": (5.070, 52.330, ""),
    "Naarden": (5.160, 52.295, ""),
    "Hilversum": (5.175, 52.225, ""),
    "Huizen": (5.240, 52.297, ""),
    "Blaricum": (5.250, 52.275, ""),
    "Texel veerhaven": (4.790, 53.003, "texel"),
    "Den Burg": (4.797, 53.053, "texel"),
    "De Cocksdorp": (4.860, 53.160, "texel"),
    # Flevoland
    "Almere-West": (5.130, 52.350, "flevopolder"),
    "Almere-Stad": (5.215, 52.372, "flevopolder"),
    "Almere-Haven": (5.220, 52.335, "flevopolder"),
    "Almere-Buiten": (5.270, 52.390, "flevopolder"),
    "Lelystad": (5.475, 52.510, "flevopolder"),
    "Zeewolde": (5.540, 52.330, "flevopolder"),
    "Dronten": (5.720, 52.525, "flevopolder"),
    "Biddinghuizen": (5.690, 52.455, "flevopolder"),
    "Ketelbrug-zuid": (5.640, 52.575, "flevopolder"),
    "Emmeloord": (5.750, 52.710, ""),
    "Urk": (5.600, 52.662, ""),
    "Lemmer": (5.710, 52.845, ""),
    # Friesland
    "Joure": (5.790, 52.965, ""),
    "Heerenveen": (5.925, 52.960, ""),
    "Sneek": (5.660, 53.032, ""),
    "Bolsward": (5.530, 53.065, ""),
    "Zurich": (5.395, 53.113, ""),
    "Harlingen": (5.420, 53.175, ""),
    "Franeker": (5.545, 53.187, ""),
    "Leeuwarden": (5.800, 53.200, ""),
    "Dokkum": (5.998, 53.325, ""),
    "Holwerd veerdam": (5.880, 53.400, ""),
    "Burgum": (5.990, 53.193, ""),
    "Drachten": (6.100, 53.105, ""),
    "Buitenpost": (6.145, 53.252, ""),
    "Wolvega": (5.995, 52.875, ""),
    "Gorredijk": (6.065, 53.005, ""),
    "Oosterwolde": (6.290, 52.990, ""),
    "Lauwersoog": (6.210, 53.405, ""),
    "Vlieland": (5.075, 53.297, "vlieland"),
    "Vlieland Posthuis": (5.020, 53.265, "vlieland"),
    "West-Terschelling": (5.220, 53.360, "terschelling"),
    "Midsland": (5.295, 53.388, "terschelling"),
    "Nes": (5.775, 53.445, "ameland"),
    "Hollum": (5.640, 53.440, "ameland"),
    "Schiermonnikoog haven": (6.200, 53.465, "schiermonnikoog"),
    "Schiermonnikoog dorp": (6.165, 53.480, "schiermonnikoog"),
    # Groningen
    "Groningen": (6.565, 53.218, ""),
    "Hoogezand": (6.760, 53.160, ""),
    "Scheemda": (6.970, 53.170, ""),
    "Winschoten": (7.035, 53.145, ""),
    "Veendam": (6.875, 53.105, ""),
    "Stadskanaal": (6.950, 52.990, ""),
    "Ter Apel": (7.070, 52.875, ""),
    "Appingedam": (6.860, 53.320, ""),
    "Delfzijl": (6.925, 53.330, ""),
    "Winsum": (6.520, 53.330, ""),
    "Uithuizen": (6.670, 53.405, ""),
    "Leek": (6.380, 53.162, ""),
    "Zuidhorn": (6.400, 53.245, ""),
    # Drenthe
    "Assen": (6.565, 52.995, ""),
    "Zuidlaren": (6.680, 53.095, ""),
    "Roden": (6.430, 53.135, ""),
    "Beilen": (6.515, 52.860, ""),
    "Hoogeveen": (6.475, 52.725, ""),
    "Meppel": (6.195, 52.695, ""),
    "Borger": (6.790, 52.925, ""),
    "Emmen": (6.900, 52.785, ""),
    "Coevorden": (6.745, 52.660, ""),
    # Overijssel
    "Steenwijk": (6.120, 52.790, ""),
    "Zwolle": (6.095, 52.510, ""),
    "Hattem": (6.060, 52.475, ""),
    "Kampen": (5.910, 52.555, ""),
    "Dalfsen": (6.255, 52.505, ""),
    "Ommen": (6.420, 52.520, ""),
    "Hardenberg": (6.620, 52.575, ""),
    "Raalte": (6.275, 52.385, ""),
    "Deventer": (6.160, 52.255, ""),
    "Holten": (6.420, 52.285, ""),
    "Rijssen": (6.520, 52.305, ""),
    "Nijverdal": (6.465, 52.360, ""),
    "Almelo": (6.665, 52.355, ""),
    "Vriezenveen": (6.620, 52.410, ""),
    "Hengelo": (6.795, 52.265, ""),
    "Enschede": (6.895, 52.220, ""),
    "Oldenzaal": (6.930, 52.312, ""),
    "Haaksbergen": (6.740, 52.155, ""),
    "Goor": (6.585, 52.235, ""),
    # Gelderland
    "Apeldoorn": (5.965, 52.210, ""),
    "Epe": (5.985, 52.350, ""),
    "Heerde": (6.040, 52.390, ""),
    "Harderwijk": (5.620, 52.345, ""),
    "Nunspeet": (5.785, 52.375, ""),
    "Elburg": (5.835, 52.445, ""),
    "Putten": (5.605, 52.260, ""),
    "Nijkerk": (5.490, 52.220, ""),
    "Barneveld": (5.590, 52.140, ""),
    "Ede": (5.665, 52.040, ""),
    "Wageningen": (5.665, 51.970, ""),
    "Schaarsbergen": (5.860, 52.020, ""),
    "Heelsum": (5.755, 51.980, ""),
    "Heteren": (5.755, 51.950, ""),
    "Valburg": (5.780, 51.910, ""),
    "Ewijk": (5.740, 51.875, ""),
    "Arnhem": (5.910, 51.985, ""),
    "Arnhem-Zuid": (5.900, 51.955, ""),
    "Duiven": (6.020, 51.945, ""),
    "Zevenaar": (6.070, 51.925, ""),
    "Doetinchem": (6.290, 51.965, ""),
    "Ulft": (6.380, 51.895, ""),
    "Winterswijk": (6.720, 51.970, ""),
    "Groenlo": (6.615, 52.045, ""),
    "Eibergen": (6.645, 52.100, ""),
    "Lochem": (6.410, 52.160, ""),
    "Zutphen": (6.200, 52.140, ""),
    "Elst": (5.850, 51.920, ""),
    "Nijmegen-Noord": (5.865, 51.860, ""),
    "Nijmegen": (5.855, 51.840, ""),
    "Wijchen": (5.725, 51.810, ""),
    "Tiel": (5.430, 51.885, ""),
    "Druten": (5.605, 51.890, ""),
    "Geldermalsen": (5.290, 51.880, ""),
    "Culemborg": (5.225, 51.955, ""),
    "Zaltbommel": (5.245, 51.810, ""),
    # Utrecht
    "Utrecht": (5.115, 52.090, ""),
    "Utrecht-Noord": (5.040, 52.135, ""),
    "Nieuwegein": (5.085, 52.030, ""),
    "Everdingen": (5.110, 51.960, ""),
    "Houten": (5.170, 52.030, ""),
    "Zeist": (5.235, 52.090, ""),
    "Driebergen": (5.285, 52.050, ""),
    "Veenendaal": (5.555, 52.025, ""),
    "Amersfoort": (5.390, 52.155, ""),
    "Soest": (5.300, 52.175, ""),
    "Eemnes": (5.255, 52.255, ""),
    "Woerden": (4.885, 52.085, ""),
    "Mijdrecht": (4.860, 52.205, ""),
    "Wijk bij Duurstede": (5.340, 51.975, ""),
    # Zuid-Holland
    "Leiden": (4.490, 52.160, ""),
    "Katwijk": (4.420, 52.200, ""),
    "Noordwijk": (4.445, 52.240, ""),
    "Lisse": (4.555, 52.255, ""),
    "Alphen aan den Rijn": (4.660, 52.130, ""),
    "Den Haag": (4.305, 52.075, ""),
    "Naaldwijk": (4.205, 51.995, ""),
    "Hoek van Holland": (4.130, 51.975, ""),
    "Delft": (4.360, 52.010, ""),
    "Zoetermeer": (4.490, 52.060, ""),
    "Gouda": (4.710, 52.015, ""),
    "Rotterdam": (4.475, 51.920, ""),
    "Rotterdam-Noord": (4.445, 51.940, ""),
    "Rotterdam-Zuid": (4.500, 51.885, ""),
    "Capelle": (4.580, 51.930, ""),
    "Schiedam": (4.400, 51.920, ""),
    "Vlaardingen": (4.345, 51.910, ""),
    "Maassluis": (4.255, 51.920, ""),
    "Pernis": (4.390, 51.885, ""),
    "Hoogvliet": (4.355, 51.865, ""),
    "Barendrecht": (4.535, 51.855, ""),
    "Ridderkerk": (4.600, 51.875, ""),
    "Sliedrecht": (4.775, 51.825, ""),
    "Gorinchem": (4.975, 51.835, ""),
    "Dordrecht": (4.690, 51.810, ""),
    "Spijkenisse": (4.330, 51.845, "voorne_putten"),
    "Hellevoetsluis": (4.135, 51.825, "voorne_putten"),
    "Brielle": (4.165, 51.900, "voorne_putten"),
    "Heinenoord": (4.495, 51.820, "hoeksche_waard"),
    "Oud-Beijerland": (4.410, 51.825, "hoeksche_waard"),
    "Numansdorp": (4.440, 51.735, "hoeksche_waard"),
    "'s-Gravendeel": (4.615, 51.780, "hoeksche_waard"),
    "Hellegatsplein": (4.405, 51.700, "goeree"),
    "Oude-Tonge": (4.210, 51.690, "goeree"),
    "Middelharnis": (4.165, 51.755, "goeree"),
    "Dirksland": (4.100, 51.750, "goeree"),
    "Stellendam": (4.030, 51.810, "goeree"),
    "Ouddorp": (3.935, 51.810, "goeree"),
    # Zeeland
    "Scharendijke": (3.860, 51.735, "schouwen"),
    "Renesse": (3.770, 51.735, "schouwen"),
    "Burgh-Haamstede": (3.735, 51.695, "schouwen"),
    "Zierikzee": (3.915, 51.650, "schouwen"),
    "Bruinisse": (4.095, 51.660, "schouwen"),
    "Noord-Beveland west": (3.665, 51.595, "noord_beveland"),
    "Colijnsplaat": (3.845, 51.600, "noord_beveland"),
    "Vrouwenpolder": (3.620, 51.580, ""),
    "Middelburg": (3.610, 51.500, ""),
    "Vlissingen": (3.575, 51.445, ""),
    "Lewedorp": (3.745, 51.490, ""),
    "Westerscheldetunnel-noord": (3.815, 51.410, ""),
    "Goes": (3.890, 51.505, ""),
    "Kapelle": (3.955, 51.485, ""),
    "Rilland": (4.170, 51.420, ""),
    "Tholen": (4.205, 51.530, "tholen"),
    "Terneuzen": (3.830, 51.335, "zeeuws_vlaanderen"),
    "Axel": (3.910, 51.270, "zeeuws_vlaanderen"),
    "Hulst": (4.050, 51.280, "zeeuws_vlaanderen"),
    "Oostburg": (3.490, 51.325, "zeeuws_vlaanderen"),
    "Breskens": (3.555, 51.395, "zeeuws_vlaanderen"),
    "Antwerpen": (4.400, 51.220, ""),
    # Noord-Brabant
    "Bergen op Zoom": (4.290, 51.495, ""),
    "Roosendaal": (4.465, 51.535, ""),
    "Steenbergen": (4.310, 51.585, ""),
    "Dinteloord": (4.370, 51.635, ""),
    "Willemstad": (4.440, 51.690, ""),
    "Zevenbergen": (4.610, 51.645, ""),
    "Moerdijk": (4.620, 51.700, ""),
    "Etten-Leur": (4.635, 51.575, ""),
    "Breda": (4.775, 51.590, ""),
    "Oosterhout": (4.860, 51.645, ""),
    "Raamsdonksveer": (4.880, 51.695, ""),
    "Werkendam": (4.900, 51.780, ""),
    "Baarle-Nassau": (4.930, 51.445, ""),
    "Tilburg": (5.080, 51.560, ""),
    "Waalwijk": (5.070, 51.685, ""),
    "'s-Hertogenbosch": (5.305, 51.690, ""),
    "Hedel": (5.265, 51.740, ""),
    "Boxtel": (5.325, 51.590, ""),
    "Best": (5.395, 51.505, ""),
    "Oss": (5.530, 51.765, ""),
    "Veghel": (5.545, 51.615, ""),
    "Uden": (5.620, 51.660, ""),
    "Grave": (5.740, 51.760, ""),
    "Cuijk": (5.880, 51.730, ""),
    "Boxmeer": (5.945, 51.645, ""),
    "Eindhoven": (5.475, 51.440, ""),
    "Veldhoven": (5.400, 51.410, ""),
    "Bladel": (5.220, 51.370, ""),
    "Geldrop": (5.560, 51.420, ""),
    "Valkenswaard": (5.460, 51.350, ""),
    "Helmond": (5.660, 51.480, ""),
    "Deurne": (5.795, 51.460, ""),
    "Asten": (5.750, 51.405, ""),
    # Limburg
    "Weert": (5.705, 51.250, ""),
    "Roermond": (5.985, 51.195, ""),
    "Echt": (5.870, 51.105, ""),
    "Venray": (5.975, 51.525, ""),
    "Horst": (6.050, 51.455, ""),
    "Blerick": (6.140, 51.365, ""),
    "Venlo": (6.170, 51.370, ""),
    "Panningen": (5.980, 51.330, ""),
    "Gennep": (5.975, 51.700, ""),
    "Sittard": (5.865, 51.000, ""),
    "Geleen": (5.830, 50.970, ""),
    "Maastricht": (5.690, 50.850, ""),
    "Valkenburg": (5.830, 50.865, ""),
    "Heerlen": (5.980, 50.885, ""),
    "Kerkrade": (6.060, 50.865, ""),
    "Gulpen": (5.890, 50.815, ""),
}

# Routes: (route, road class, nodes in driving order); consecutive nodes become straight
# edges. source: the Rijkswaterstaat motorway numbering and main provincial roads as
# generally known; the order of towns along each road is approximate.
ROUTES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("A1", "motorway", ("Amsterdam-Oost", "Muiden", "Naarden", "Eemnes", "Amersfoort",
                        "Barneveld", "Apeldoorn", "Deventer", "Holten", "Rijssen", "Hengelo",
                        "Oldenzaal")),
    ("A2", "motorway", ("Amsterdam-Zuid", "Amsterdam-Zuidoost", "Utrecht-Noord", "Utrecht",
                        "Nieuwegein", "Everdingen", "Geldermalsen", "Zaltbommel", "Hedel",
                        "'s-Hertogenbosch", "Boxtel", "Best", "Eindhoven", "Weert", "Echt",
                        "Sittard", "Geleen", "Maastricht")),
    ("A4", "motorway", ("Amsterdam-Zuid", "Schiphol", "Hoofddorp", "Leiden", "Den Haag",
                        "Delft", "Schiedam")),
    ("A4 Beneluxtunnel", "motorway", ("Schiedam", "Vlaardingen", "Pernis")),
    ("A4 Dinteloord", "motorway", ("Dinteloord", "Steenbergen", "Bergen op Zoom")),
    ("A6", "motorway", ("Muiden", "Almere-West", "Almere-Stad", "Almere-Buiten", "Lelystad",
                        "Ketelbrug-zuid", "Emmeloord", "Lemmer", "Joure")),
    ("A7", "motorway", ("Zaandam", "Purmerend", "Hoorn", "Wieringerwerf", "Den Oever",
                        "Kornwerderzand", "Zurich", "Bolsward", "Sneek", "Joure", "Heerenveen",
                        "Drachten", "Leek", "Groningen", "Hoogezand", "Scheemda",
                        "Winschoten")),
    ("A8/A10", "motorway", ("Amsterdam-Noord", "Zaandam")),
    ("A10", "motorway", ("Amsterdam-West", "Amsterdam-Zuid", "Amsterdam-Oost",
                         "Amsterdam-Noord", "Amsterdam-West")),
    ("A9", "motorway", ("Amsterdam-Zuidoost", "Amstelveen", "Schiphol", "Haarlem", "Velsen",
                        "Beverwijk", "Castricum", "Alkmaar")),
    ("N9", "trunk", ("Alkmaar", "Schagen", "Den Helder", "Den Helder veerhaven")),
    ("A12", "motorway", ("Den Haag", "Zoetermeer", "Gouda", "Woerden", "Utrecht",
                         "Driebergen", "Veenendaal", "Ede", "Arnhem", "Duiven", "Zevenaar")),
    ("A13", "motorway", ("Delft", "Rotterdam-Noord")),
    ("A15", "motorway", ("Pernis", "Rotterdam-Zuid", "Barendrecht", "Ridderkerk", "Sliedrecht",
                         "Gorinchem", "Geldermalsen", "Tiel", "Valburg", "Elst")),
    ("A16", "motorway", ("Rotterdam-Noord", "Capelle", "Ridderkerk", "Dordrecht", "Moerdijk",
                         "Breda")),
    ("A16 Antwerpen", "motorway", ("Breda", "Antwerpen")),
    ("A17", "motorway", ("Moerdijk", "Zevenbergen", "Roosendaal")),
    ("A18", "motorway", ("Zevenaar", "Doetinchem")),
    ("N18", "trunk", ("Doetinchem", "Groenlo", "Eibergen", "Haaksbergen", "Enschede")),
    ("A20", "motorway", ("Hoek van Holland", "Maassluis", "Vlaardingen", "Schiedam",
                         "Rotterdam-Noord", "Capelle", "Gouda")),
    ("A27", "motorway", ("Almere-Stad", "Almere-Haven", "Blaricum", "Hilversum", "Utrecht",
                         "Houten", "Everdingen", "Gorinchem", "Werkendam", "Raamsdonksveer",
                         "Oosterhout", "Breda")),
    ("A28", "motorway", ("Utrecht", "Amersfoort", "Nijkerk", "Putten", "Harderwijk",
                         "Nunspeet", "Hattem", "Zwolle", "Meppel", "Hoogeveen", "Beilen",
                         "Assen", "Groningen")),
    ("A29", "motorway", ("Barendrecht", "Heinenoord", "Numansdorp", "Hellegatsplein",
                         "Willemstad", "Dinteloord")),
    ("A30", "motorway", ("Barneveld", "Ede")),
    ("A31", "motorway", ("Leeuwarden", "Franeker", "Harlingen")),
    ("A32", "motorway", ("Leeuwarden", "Heerenveen", "Wolvega", "Steenwijk", "Meppel")),
    ("A35", "motorway", ("Almelo", "Hengelo", "Enschede")),
    ("A37", "motorway", ("Hoogeveen", "Emmen")),
    ("A44", "trunk", ("Lisse", "Leiden", "Den Haag")),
    ("A50", "motorway", ("Emmeloord", "Kampen", "Zwolle")),
    ("A50 Veluwe", "motorway", ("Hattem", "Heerde", "Epe", "Apeldoorn", "Schaarsbergen",
                                "Heelsum", "Heteren", "Valburg", "Ewijk", "Oss", "Veghel",
                                "Eindhoven")),
    ("A58", "motorway", ("Vlissingen", "Middelburg", "Lewedorp", "Goes", "Kapelle", "Rilland",
                         "Bergen op Zoom", "Roosendaal", "Etten-Leur", "Breda", "Tilburg",
                         "Best")),
    ("A59", "motorway", ("Moerdijk", "Raamsdonksveer", "Waalwijk", "'s-Hertogenbosch", "Oss")),
    ("A65", "motorway", ("'s-Hertogenbosch", "Tilburg")),
    ("A67", "motorway", ("Bladel", "Veldhoven", "Eindhoven", "Geldrop", "Asten", "Blerick",
                         "Venlo")),
    ("A73", "motorway", ("Nijmegen", "Cuijk", "Boxmeer", "Venray", "Blerick")),
    ("A73 Limburg", "motorway", ("Venlo", "Roermond", "Echt")),
    ("A76", "motorway", ("Geleen", "Heerlen", "Kerkrade")),
    ("A79", "motorway", ("Maastricht", "Valkenburg", "Heerlen")),
    ("A325", "motorway", ("Arnhem", "Arnhem-Zuid", "Elst", "Nijmegen-Noord", "Nijmegen")),
    ("N31", "trunk", ("Zurich", "Harlingen")),
    ("N31 Leeuwarden", "trunk", ("Leeuwarden", "Burgum", "Drachten")),
    ("N33", "trunk", ("Appingedam", "Hoogezand", "Veendam", "Stadskanaal")),
    ("N34", "trunk", ("Groningen", "Zuidlaren", "Borger", "Emmen", "Coevorden", "Hardenberg")),
    ("N35", "trunk", ("Zwolle", "Raalte", "Nijverdal", "Almelo")),
    ("N36", "primary", ("Hardenberg", "Vriezenveen", "Almelo")),
    ("N50", "primary", ("Emmeloord", "Urk")),
    ("N57", "primary", ("Middelburg", "Vrouwenpolder", "Noord-Beveland west",
                        "Burgh-Haamstede", "Renesse", "Scharendijke", "Ouddorp", "Stellendam",
                        "Hellevoetsluis", "Spijkenisse", "Hoogvliet", "Pernis")),
    ("N59", "primary", ("Zierikzee", "Bruinisse", "Oude-Tonge", "Hellegatsplein")),
    ("N61", "primary", ("Breskens", "Oostburg", "Terneuzen", "Axel", "Hulst")),
    ("N62", "trunk", ("Terneuzen", "Westerscheldetunnel-noord", "Lewedorp")),
    ("N62 Goes", "secondary", ("Westerscheldetunnel-noord", "Goes")),
    ("N256", "primary", ("Goes", "Colijnsplaat", "Zierikzee")),
    ("N257", "secondary", ("Bruinisse", "Steenbergen")),
    ("N286", "secondary", ("Tholen", "Bergen op Zoom")),
    ("N215", "secondary", ("Oude-Tonge", "Middelharnis", "Dirksland", "Stellendam")),
    ("N49", "primary", ("Hulst", "Antwerpen", "Bergen op Zoom")),
    ("N218", "secondary", ("Hellevoetsluis", "Brielle", "Spijkenisse")),
    ("N217", "secondary", ("Oud-Beijerland", "Heinenoord", "'s-Gravendeel")),
    ("N3 Kiltunnel", "secondary", ("'s-Gravendeel", "Dordrecht")),
    ("N3", "primary", ("Dordrecht", "Sliedrecht")),
    ("N302 Houtribdijk", "trunk", ("Enkhuizen", "Lelystad")),
    ("N302 Hardersluis", "primary", ("Lelystad", "Harderwijk")),
    ("N301", "secondary", ("Zeewolde", "Nijkerk")),
    ("N305", "primary", ("Almere-Buiten", "Zeewolde", "Biddinghuizen", "Dronten")),
    ("N307", "primary", ("Lelystad", "Dronten", "Kampen")),
    ("N309", "secondary", ("Biddinghuizen", "Elburg")),
    ("N309 Elburg", "secondary", ("Elburg", "Nunspeet")),
    ("N307 Enkhuizen", "trunk", ("Hoorn", "Enkhuizen")),
    ("N240", "secondary", ("Medemblik", "Hoorn")),
    ("N240 Wieringerwerf", "secondary", ("Medemblik", "Wieringerwerf", "Schagen")),
    ("N242", "trunk", ("Alkmaar", "Heerhugowaard", "Hoorn")),
    ("N247", "secondary", ("Purmerend", "Volendam")),
    ("N200", "primary", ("Haarlem", "Amsterdam-West")),
    ("N201", "primary", ("Hoofddorp", "Aalsmeer", "Uithoorn", "Mijdrecht", "Hilversum")),
    ("N205", "primary", ("Haarlem", "Hoofddorp", "Nieuw-Vennep", "Lisse")),
    ("N206", "secondary", ("Lisse", "Noordwijk", "Katwijk", "Leiden")),
    ("N200 Zandvoort", "secondary", ("Haarlem", "Zandvoort")),
    ("N231", "primary", ("Schiphol", "Aalsmeer")),
    ("Amstelveen", "primary", ("Amstelveen", "Uithoorn")),
    ("Amsterdam centrum", "primary", ("Amsterdam-Centrum", "Amsterdam-West")),
    ("Amsterdam centrum Oost", "primary", ("Amsterdam-Centrum", "Amsterdam-Oost")),
    ("Amsterdam centrum Zuid", "primary", ("Amsterdam-Centrum", "Amsterdam-Zuid")),
    ("Amsterdam IJtunnel", "primary", ("Amsterdam-Centrum", "Amsterdam-Noord")),
    ("N236", "secondary", ("Naarden", "Huizen", "Blaricum")),
    ("N525", "secondary", ("Naarden", "Hilversum")),
    ("Hilversum-Soest", "secondary", ("Hilversum", "Soest", "Amersfoort")),
    ("Eemnes-Blaricum", "primary", ("Eemnes", "Blaricum")),
    ("N11", "trunk", ("Leiden", "Alphen aan den Rijn", "Woerden")),
    ("N207", "secondary", ("Alphen aan den Rijn", "Gouda")),
    ("N211", "primary", ("Den Haag", "Naaldwijk", "Hoek van Holland")),
    ("Rotterdam centrum", "primary", ("Rotterdam", "Rotterdam-Noord")),
    ("Rotterdam Maasbruggen", "primary", ("Rotterdam", "Rotterdam-Zuid")),
    ("Rotterdam-Schiedam", "primary", ("Rotterdam", "Schiedam")),
    ("Rotterdam-Capelle", "primary", ("Rotterdam", "Capelle")),
    ("Mijdrecht-Woerden", "secondary", ("Mijdrecht", "Woerden")),
    ("N229", "secondary", ("Houten", "Wijk bij Duurstede", "Driebergen")),
    ("Utrecht-Zeist", "primary", ("Utrecht", "Zeist", "Driebergen")),
    ("Zeist-Amersfoort", "secondary", ("Zeist", "Amersfoort")),
    ("N320", "secondary", ("Houten", "Culemborg", "Geldermalsen")),
    ("N225", "secondary", ("Wijk bij Duurstede", "Veenendaal")),
    ("N224", "secondary", ("Ede", "Wageningen")),
    ("N322", "secondary", ("Tiel", "Druten", "Wijchen", "Nijmegen")),
    ("N324", "secondary", ("Wijchen", "Grave", "Cuijk")),
    ("N264", "secondary", ("Uden", "Veghel")),
    ("N279", "trunk", ("'s-Hertogenbosch", "Veghel", "Helmond")),
    ("N277", "secondary", ("Uden", "Boxmeer")),
    ("N329", "secondary", ("Oss", "Uden")),
    ("N271", "secondary", ("Nijmegen", "Gennep", "Venlo")),
    ("N270", "primary", ("Eindhoven", "Helmond", "Deurne", "Venray")),
    ("N69", "primary", ("Eindhoven", "Valkenswaard")),
    ("N266", "secondary", ("Asten", "Weert")),
    ("N280", "primary", ("Weert", "Roermond")),
    ("N556", "secondary", ("Blerick", "Panningen", "Roermond")),
    ("N270 Horst", "secondary", ("Venray", "Horst", "Blerick")),
    ("N278", "secondary", ("Maastricht", "Gulpen", "Heerlen")),
    ("N261", "primary", ("Tilburg", "Waalwijk")),
    ("N260", "secondary", ("Tilburg", "Baarle-Nassau", "Breda")),
    ("N345", "primary", ("Apeldoorn", "Zutphen")),
    ("N348", "primary", ("Arnhem", "Zutphen", "Deventer", "Raalte")),
    ("N316", "primary", ("Zutphen", "Doetinchem")),
    ("N317", "secondary", ("Doetinchem", "Ulft", "Winterswijk")),
    ("N318", "primary", ("Doetinchem", "Winterswijk", "Groenlo")),
    ("N346", "secondary", ("Zutphen", "Lochem", "Goor", "Hengelo")),
    ("N312", "secondary", ("Lochem", "Eibergen")),
    ("N342", "primary", ("Oldenzaal", "Enschede")),
    ("N347", "secondary", ("Rijssen", "Nijverdal")),
    ("N340", "primary", ("Zwolle", "Dalfsen", "Ommen", "Hardenberg")),
    ("N377", "secondary", ("Ommen", "Nijverdal")),
    ("N34 Assen", "secondary", ("Assen", "Borger")),
    ("N386", "secondary", ("Assen", "Zuidlaren")),
    ("N48", "secondary", ("Hoogeveen", "Coevorden")),
    ("N355", "secondary", ("Groningen", "Zuidhorn", "Buitenpost", "Drachten")),
    ("N361", "secondary", ("Groningen", "Winsum", "Lauwersoog", "Dokkum")),
    ("N363", "secondary", ("Winsum", "Uithuizen", "Delfzijl")),
    ("N360", "primary", ("Groningen", "Appingedam", "Delfzijl")),
    ("N366", "secondary", ("Stadskanaal", "Ter Apel", "Emmen")),
    ("N372", "secondary", ("Leek", "Roden", "Groningen")),
    ("N356", "trunk", ("Leeuwarden", "Dokkum", "Holwerd veerdam")),
    ("N354", "primary", ("Leeuwarden", "Sneek")),
    ("N381", "primary", ("Drachten", "Gorredijk", "Oosterwolde", "Assen")),
    ("N380", "secondary", ("Heerenveen", "Gorredijk")),
    ("N351", "secondary", ("Wolvega", "Oosterwolde")),
    ("N333", "secondary", ("Emmeloord", "Steenwijk")),
    ("N331", "secondary", ("Kampen", "Zwolle")),
    ("Texel", "secondary", ("Texel veerhaven", "Den Burg", "De Cocksdorp")),
    ("Vlieland", "secondary", ("Vlieland", "Vlieland Posthuis")),
    ("Terschelling", "secondary", ("West-Terschelling", "Midsland")),
    ("Ameland", "secondary", ("Nes", "Hollum")),
    ("Schiermonnikoog", "secondary", ("Schiermonnikoog haven", "Schiermonnikoog dorp")),
)  # fmt: skip

# Edges that cross water (or the border) and the structure that carries the road. An edge
# between two landmasses must be one of these. source: general knowledge of the Dutch
# water crossings (Afsluitdijk 1932, Houtribdijk 1975, Deltawerken dams 1960s-1980s,
# Westerscheldetunnel 2003, river bridges).
CROSSINGS: dict[frozenset[str], str] = {
    frozenset(p): name
    for p, name in (
        (("Den Oever", "Kornwerderzand"), "Afsluitdijk (A7)"),
        (("Kornwerderzand", "Zurich"), "Afsluitdijk (A7)"),
        (("Enkhuizen", "Lelystad"), "Houtribdijk (N302)"),
        (("Muiden", "Almere-West"), "Hollandse Brug (A6)"),
        (("Almere-Haven", "Blaricum"), "Stichtse Brug (A27)"),
        (("Ketelbrug-zuid", "Emmeloord"), "Ketelbrug (A6)"),
        (("Lelystad", "Harderwijk"), "Hardersluis (N302)"),
        (("Zeewolde", "Nijkerk"), "Nijkerkerbrug (N301)"),
        (("Biddinghuizen", "Elburg"), "Elburgerbrug (N309)"),
        (("Dronten", "Kampen"), "Roggebotsluis (N307)"),
        (("Terneuzen", "Westerscheldetunnel-noord"), "Westerscheldetunnel (N62)"),
        (("Hulst", "Antwerpen"), "land route through Belgium (N49/E34)"),
        (("Goes", "Colijnsplaat"), "Zandkreekdam (N256)"),
        (("Colijnsplaat", "Zierikzee"), "Zeelandbrug (N256)"),
        (("Vrouwenpolder", "Noord-Beveland west"), "Veerse Gatdam (N57)"),
        (("Noord-Beveland west", "Burgh-Haamstede"), "Oosterscheldekering (N57)"),
        (("Scharendijke", "Ouddorp"), "Brouwersdam (N57)"),
        (("Stellendam", "Hellevoetsluis"), "Haringvlietdam (N57)"),
        (("Bruinisse", "Oude-Tonge"), "Grevelingendam (N59)"),
        (("Bruinisse", "Steenbergen"), "Philipsdam (N257)"),
        (("Tholen", "Bergen op Zoom"), "Tholense brug (N286)"),
        (("Numansdorp", "Hellegatsplein"), "Haringvlietbrug (A29)"),
        (("Hellegatsplein", "Willemstad"), "Volkerakbrug (A29)"),
        (("Barendrecht", "Heinenoord"), "Heinenoordtunnel (A29)"),
        (("'s-Gravendeel", "Dordrecht"), "Kiltunnel (N217)"),
        (("Spijkenisse", "Hoogvliet"), "Spijkenisserbrug (Oude Maas)"),
        (("Vlaardingen", "Pernis"), "Beneluxtunnel (A4)"),
        (("Dordrecht", "Moerdijk"), "Moerdijkbruggen (A16)"),
        (("Ridderkerk", "Dordrecht"), "Drechttunnel (A16)"),
        (("Capelle", "Ridderkerk"), "Van Brienenoordbrug (A16)"),
        (("Rotterdam", "Rotterdam-Zuid"), "Maasbruggen Rotterdam"),
        (("Gorinchem", "Werkendam"), "Merwedebrug (A27)"),
        (("Werkendam", "Raamsdonksveer"), "Keizersveerbrug (A27)"),
        (("Nieuwegein", "Everdingen"), "Lekbrug Vianen (A2)"),
        (("Houten", "Everdingen"), "Lekbrug Hagestein (A27)"),
        (("Houten", "Culemborg"), "Lekbrug Culemborg (N320)"),
        (("Geldermalsen", "Zaltbommel"), "Martinus Nijhoffbrug (A2)"),
        (("Zaltbommel", "Hedel"), "Maasbrug Hedel (A2)"),
        (("Heelsum", "Heteren"), "Rijnbrug Heteren (A50)"),
        (("Valburg", "Ewijk"), "Waalbrug Ewijk (A50)"),
        (("Ewijk", "Oss"), "Maasbrug Ravenstein (A50)"),
        (("Arnhem", "Arnhem-Zuid"), "Rijnbruggen Arnhem"),
        (("Nijmegen-Noord", "Nijmegen"), "Waalbrug Nijmegen"),
        (("Tiel", "Druten"), "Waalbrug Tiel"),
        (("Arnhem", "Duiven"), "IJsselbrug Westervoort (A12)"),
        (("Hattem", "Zwolle"), "IJsselbrug Zwolle (A28)"),
        (("Apeldoorn", "Deventer"), "IJsselbrug Deventer (A1)"),
        (("Apeldoorn", "Zutphen"), "IJsselbrug Zutphen (N345)"),
        (("Arnhem", "Zutphen"), "IJsselbrug Zutphen (N348)"),
        (("Emmeloord", "Kampen"), "Ramspolbrug (N50)"),
        (("Panningen", "Roermond"), "Maasbrug Roermond (N556)"),
        (("Dordrecht", "Sliedrecht"), "Merwedebrug Papendrecht (N3)"),
        (("Ridderkerk", "Sliedrecht"), "Brug over de Noord (A15)"),
        (("Nijmegen", "Cuijk"), "Maasbrug Heumen (A73)"),
        (("Wijchen", "Grave"), "Maasbrug Grave (N324)"),
        (("Blerick", "Venlo"), "Maasbrug Venlo (A67)"),
        (("Weert", "Echt"), "Maasbrug Maasbracht (A2)"),
        (("Weert", "Roermond"), "Maasbrug Roermond (N280)"),
        (("Haarlem", "Velsen"), "Velsertunnel (A9)"),
        (("Amsterdam-West", "Amsterdam-Noord"), "Coentunnel (A10)"),
        (("Amsterdam-Oost", "Amsterdam-Noord"), "Zeeburgertunnel (A10)"),
        (("Amsterdam-Centrum", "Amsterdam-Noord"), "IJtunnel"),
        (("Breda", "Antwerpen"), "land route through Belgium (A16/E19)"),
        (("Antwerpen", "Bergen op Zoom"), "land route through Belgium (A4/E19)"),
    )
}

# --- ferries to the Wadden islands ---------------------------------------------------------------
# (zone, name, mainland terminal node, island port node, scheduled crossing [min], source)
# sources: the operators' timetables as generally known (TESO for Texel; Rederij Doeksen
#   for Vlieland and Terschelling, fast ferry; Wagenborg for Ameland and Schiermonnikoog).
# FERRY_WAIT_MINUTES is added for boarding and the wait for a departure: assumption (no
# source; an urgent patient is often flown by the trauma helicopter instead).
FERRY_WAIT_MINUTES = 15
FERRIES: tuple[tuple[str, str, str, str, int, str], ...] = (
    ("texel", "TESO Den Helder - 't Horntje", "Den Helder veerhaven", "Texel veerhaven", 20,
     "TESO timetable (crossing about 20 min)"),
    ("vlieland", "Doeksen Harlingen - Vlieland (fast ferry)", "Harlingen", "Vlieland", 45,
     "Rederij Doeksen timetable (fast ferry about 45 min)"),
    ("terschelling", "Doeksen Harlingen - West-Terschelling (fast ferry)", "Harlingen",
     "West-Terschelling", 45, "Rederij Doeksen timetable (fast ferry about 45-50 min)"),
    ("ameland", "Wagenborg Holwerd - Nes", "Holwerd veerdam", "Nes", 45,
     "Wagenborg timetable (crossing about 45 min)"),
    ("schiermonnikoog", "Wagenborg Lauwersoog - Schiermonnikoog", "Lauwersoog",
     "Schiermonnikoog haven", 45, "Wagenborg timetable (crossing about 45 min)"),
)  # fmt: skip

# Road classes and their speeds for [travel] (legal car speeds; the road-network model adds
# the ambulance factor). "connector" is the straight access link from a municipality,
# hospital or post to the nearest node on its landmass: 45 km/h over the straight line is
# about 60 km/h over a road 1.3 times as long. Assumption.
SPEED_BY_ROAD_CLASS_KM_PER_HOUR = {
    "motorway": 100,
    "trunk": 80,
    "primary": 70,
    "secondary": 60,
    "connector": 45,
}

# Access links: each point links to its nearest node and to up to MAX_CONNECTORS - 1 more
# nodes or points of its own landmass within CONNECTOR_REACH_FACTOR x the nearest node's
# distance or CONNECTOR_REACH_M. Assumption.
MAX_CONNECTORS = 3
CONNECTOR_REACH_FACTOR = 1.6
CONNECTOR_REACH_M = 5_000.0

_TO_RD = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)


def rd(lon: float, lat: float) -> tuple[float, float]:
    """RD New x, y [m] of a WGS84 point."""
    x, y = _TO_RD.transform(lon, lat)
    return float(x), float(y)


def municipality_frame() -> pd.DataFrame:
    """The population units: municipalities, with the multi-SEH cities split in districts.

    Columns: ``area_id``, ``name``, ``municipality``, ``province``, ``population``, ``lon``,
    ``lat``, ``landmass``, ``zone``. District populations are the municipal total times
    the normalised shares, rounded so that they add up to the total exactly.
    """
    rows = []
    by_city: dict[str, list[tuple[str, float, float, float]]] = {}
    for city, district, share, lon, lat in DISTRICTS:
        by_city.setdefault(city, []).append((district, share, lon, lat))
    for name, province, population, lon, lat in MUNICIPALITIES:
        parts = by_city.get(name)
        if not parts:
            rows.append((name, name, province, population, lon, lat))
            continue
        shares = np.array([p[1] for p in parts]) / sum(p[1] for p in parts)
        counts = np.floor(shares * population).astype(int)
        counts[int(np.argmax(shares))] += population - int(counts.sum())
        rows += [
            (d, name, province, int(c), dlon, dlat)
            for (d, _, dlon, dlat), c in zip(parts, counts, strict=True)
        ]
    unknown = set(by_city) - {m[0] for m in MUNICIPALITIES}
    if unknown:
        raise ValueError(f"districts of unknown municipalities: {sorted(unknown)}")
    frame = pd.DataFrame(
        rows, columns=["name", "municipality", "province", "population", "lon", "lat"]
    )
    frame.insert(0, "area_id", [slugify(n) for n in frame["name"]])
    lands = [LANDMASS_BY_MUNICIPALITY.get(m, MAINLAND) for m in frame["municipality"]]
    frame["landmass"] = lands
    frame["zone"] = [lm if lm in ISLAND_ZONES else MAINLAND for lm in lands]
    return frame


def landmass_of(municipality: str) -> str:
    """Landmass of a municipality by name."""
    names = {m[0] for m in MUNICIPALITIES}
    if municipality not in names:
        raise ValueError(f"unknown municipality {municipality!r}")
    return LANDMASS_BY_MUNICIPALITY.get(municipality, MAINLAND)


def route_edges() -> list[tuple[str, str, str, str]]:
    """(a, b, road class, route) for every consecutive pair of every route."""
    edges = []
    for route, road_class, nodes in ROUTES:
        for a, b in itertools.pairwise(nodes):
            edges.append((a, b, road_class, route))
    return edges


def check_graph() -> None:
    """Raise when the authored graph breaks its own rules (see README.md, Roads)."""
    edges = route_edges()
    used = {n for a, b, _, _ in edges for n in (a, b)}
    unknown = sorted(used - set(NODES))
    if unknown:
        raise ValueError(f"routes name unknown nodes: {unknown}")
    unused = sorted(set(NODES) - used)
    if unused:
        raise ValueError(f"nodes on no route: {unused}")
    pairs = {frozenset((a, b)) for a, b, _, _ in edges}
    missing = [sorted(p) for p in CROSSINGS if p not in pairs]
    if missing:
        raise ValueError(f"crossings that are not edges: {missing}")
    for a, b, _, route in edges:
        land_a, land_b = NODES[a][2], NODES[b][2]
        if land_a != land_b and frozenset((a, b)) not in CROSSINGS:
            raise ValueError(
                f"{route}: {a} ({land_a or MAINLAND}) - {b} ({land_b or MAINLAND}) "
                "joins two landmasses without a named crossing"
            )
    index = {n: i for i, n in enumerate(NODES)}
    i = [index[a] for a, _, _, _ in edges]
    j = [index[b] for _, b, _, _ in edges]
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(len(NODES), len(NODES)))
    _, label = connected_components(graph, directed=False)
    main = label[index["Utrecht"]]
    for name, (_, _, land) in NODES.items():
        on_main = label[index[name]] == main
        if (land in ISLAND_ZONES) == on_main:
            raise ValueError(f"node {name} ({land or MAINLAND}) is on the wrong side of the sea")
    for zone, _, terminal, port, _, _ in FERRIES:
        if NODES[port][2] != zone or NODES[terminal][2] != "":
            raise ValueError(f"ferry {zone}: port must be on the island, terminal on the mainland")


def connectors(
    lon: float, lat: float, landmass: str, points: list[tuple[str, float, float, str]]
) -> list[tuple[str, float, float]]:
    """What to link a point to: (label, lon, lat) of nodes or other points of its landmass.

    Always the nearest road node; then up to two more of the nearest nodes or other points
    (municipalities, districts, hospitals, posts) that are at most 1.6 times as far as
    that node (or within 5 km), so that a town between two roads reaches both and a city
    district reaches its own hospital directly rather than through the city's one node.
    None when the point is itself a node.
    """
    x, y = rd(lon, lat)
    nodes = sorted(
        (math.hypot(*(np.subtract(rd(n[0], n[1]), (x, y)))), name, n[0], n[1])
        for name, n in NODES.items()
        if (n[2] or MAINLAND) == landmass
    )
    if not nodes:
        raise ValueError(f"no road node on landmass {landmass!r}")
    nearest = nodes[0][0]
    if nearest < 1.0:
        return []
    others = sorted(
        (math.hypot(*(np.subtract(rd(plon, plat), (x, y)))), label, plon, plat)
        for label, plon, plat, land in points
        if land == landmass
    )
    others = [o for o in others if o[0] >= 1.0]
    reach = max(CONNECTOR_REACH_FACTOR * nearest, CONNECTOR_REACH_M)
    links = [nodes[0][1:]]
    for d, label, tlon, tlat in sorted(nodes[1:] + others):
        if len(links) >= MAX_CONNECTORS or d > reach:
            break
        if all((tlon, tlat) != (ln[1], ln[2]) for ln in links):
            links.append((label, tlon, tlat))
    return links


def _feature(coords: list[tuple[float, float]], props: dict[str, object]) -> dict[str, object]:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {
            "type": "LineString",
            "coordinates": [[round(lon, 6), round(lat, 6)] for lon, lat in coords],
        },
    }


def road_features(points: list[tuple[str, float, float, str]]) -> list[dict[str, object]]:
    """Road lines (routes, then access connectors of the given points)."""
    feats = []
    for a, b, road_class, route in route_edges():
        crossing = CROSSINGS.get(frozenset((a, b)), "")
        feats.append(
            _feature(
                [NODES[a][:2], NODES[b][:2]],
                {"road_class": road_class, "route": route, "from": a, "to": b,
                 "crossing": crossing},
            )
        )  # fmt: skip
    seen: set[tuple[float, float]] = set()
    for label, lon, lat, landmass in points:
        key = (round(lon, 6), round(lat, 6))
        if key in seen:
            continue
        seen.add(key)
        for target, tlon, tlat in connectors(lon, lat, landmass, points):
            feats.append(
                _feature(
                    [(lon, lat), (tlon, tlat)],
                    {"road_class": "connector", "route": f"access {label}", "from": label,
                     "to": target, "crossing": ""},
                )
            )  # fmt: skip
    return feats


def _sites_frame() -> pd.DataFrame:
    cols = ["site_id", "organisation", "name", "municipality", "town", "lon", "lat", "seh",
            "open_hour", "close_hour", "hap", "av"]  # fmt: skip
    return pd.DataFrame(SITES, columns=cols)


def _posts_frame() -> pd.DataFrame:
    frame = pd.DataFrame(POSTS, columns=["name", "municipality", "lon", "lat"])
    frame.insert(0, "post_id", [slugify(n) for n in frame["name"]])
    frame["availability"] = "24/7"
    return frame


def _xy(frame: pd.DataFrame) -> np.ndarray:
    return np.array([rd(lon, lat) for lon, lat in zip(frame["lon"], frame["lat"], strict=True)])


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", float_format="%.6f")


def region_toml(sites: pd.DataFrame) -> str:
    """The pack's region.toml: identity, files, travel model, ferries, organisations."""
    lines = [
        'name = "nl"',
        'description = "The Netherlands, situation of April 2025: 342 municipalities (CBS '
        "population on 1 January 2024) as points, the SEH locations (76 of them 24/7 in RIVM's "
        "count; this pack has 77) with HAP and acute obstetrics flags, 221 24/7 ambulance "
        "posts, the Wadden ferries and a coarse road graph. Authored from public facts; "
        'positions are town-level. See README.md."',
        'start_date = "2027-01-04"  # a Monday; the fixed SEH budget starts on 1 January 2027',
        "sources = [",
        '    "CBS, Bevolking op 1 januari 2024 per gemeente (StatLine), municipal layout of 2024; '
        'typed from memory, rounded",',
        '    "RIVM, Kennisnotitie bereikbaarheid SEH en acute verloskunde 2025, via Skipr 2025-07: '
        '79 SEHs (76 24/7), 71 acute obstetrics, 221 24/7 ambulance posts",',
        '    "VZinfo (RIVM), Acute zorg: aanbod HAP, 2020: 72 of 80 24/7 SEHs with a HAP on site",',
        '    "Hospital, ambulance post and road positions: general knowledge, town-level",',
        '    "Ferry crossing times: TESO, Rederij Doeksen and Wagenborg timetables as generally '
        'known; wait on top is an assumption",',
        "]",
        "",
        "[files]",
        'areas = "areas.geojson"',
        'sites = "sites.csv"',
        'posts = "ambulance_posts.csv"',
        'rosters = "rosters.toml"',
        'finance = "finance.toml"',
        "",
        "[travel]",
        'model = "road_network"',
        'network = "roads.geojson"',
        'road_class_column = "road_class"',
        "speed_by_road_class_km_per_hour = { "
        + ", ".join(f"{k} = {v}" for k, v in SPEED_BY_ROAD_CLASS_KM_PER_HOUR.items())
        + " }",
        "# Every area, site and post has its own access link in roads.geojson, so the snap",
        "# distance is near zero; 40 km/h covers what is left (assumption).",
        "access_speed_km_per_hour = 40",
        'source = "regions/nl/generate.py: authored coarse graph; speeds are assumptions"',
        "",
    ]
    for zone, name, terminal, port, minutes, source in FERRIES:
        tlon, tlat, _ = NODES[terminal]
        plon, plat, _ = NODES[port]
        lines += [
            "[[ferries]]",
            f'zone = "{zone}"',
            f'name = "{name}"',
            f"terminal_lon = {tlon}",
            f"terminal_lat = {tlat}",
            f"port_lon = {plon}",
            f"port_lat = {plat}",
            f"crossing_minutes = {minutes + FERRY_WAIT_MINUTES}",
            f'source = "{source} + {FERRY_WAIT_MINUTES} min boarding and wait (assumption)"',
            "",
        ]
    for org in sorted(set(sites["organisation"])):
        lines += [f"[organisations.{org}]", f'name = "{ORGANISATIONS[org]}"', ""]
    return "\n".join(lines)


def _site_rows(sites: pd.DataFrame, sized: pd.DataFrame) -> pd.DataFrame:
    def hour(h: float | None) -> str:
        return "" if h is None or h != h else f"{h:g}"  # NaN from pandas, None from tables

    return pd.DataFrame(
        {
            "site_id": sites["site_id"],
            "organisation": sites["organisation"],
            "name": sites["name"],
            "lon": sites["lon"],
            "lat": sites["lat"],
            "seh": sites["seh"],
            "hap": np.where(sites["hap"], "true", "false"),
            "av": np.where(sites["av"], "true", "false"),
            "acute_beds": sized["acute_beds"],
            "roster": sized["roster"],
            "open_hour": [hour(h) for h in sites["open_hour"]],
            "close_hour": [hour(h) for h in sites["close_hour"]],
        }
    )


def expected_visits(pack: Path) -> dict[str, float]:
    """Expected SEH visits per site a year as the simulation routes them [visits/yr]."""
    from acutesim.config.load import load_region
    from acutesim.sim.model import expected_seh_visits_per_year, travel_matrices

    region = load_region(pack)
    return expected_seh_visits_per_year(region, travel_matrices(region))


def main(out_dir: Path = OUT_DIR) -> str:
    """Write areas.geojson, sites.csv, ambulance_posts.csv, roads.geojson, rosters and toml.

    Returns a short summary of what was written (counts and the population total).
    """
    check_graph()
    areas = municipality_frame()
    sites = _sites_frame()
    posts = _posts_frame()
    if areas["municipality"].nunique() != 342 or areas["area_id"].duplicated().any():
        raise ValueError("expected 342 municipalities and unique area ids")
    if len(posts) != 221 or posts["post_id"].duplicated().any():
        raise ValueError(f"expected 221 posts with unique ids, got {len(posts)}")
    unknown_orgs = set(sites["organisation"]) - set(ORGANISATIONS)
    if unknown_orgs or sites["site_id"].duplicated().any():
        raise ValueError(f"bad sites: unknown organisations {unknown_orgs} or duplicate ids")
    area_xy = _xy(areas)
    population = areas["population"].to_numpy(dtype=float)

    features = [
        {
            "type": "Feature",
            "properties": {
                "area_id": r.area_id,
                "name": r.name,
                "municipality": r.municipality,
                "province": r.province,
                "population": int(r.population),
                "zone": r.zone,
            },
            "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
        }
        for r in areas.itertuples()
    ]
    (out_dir / "areas.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                   indent=None, separators=(",", ":")).replace('},{"type"', '},\n{"type"')
        + "\n",
        encoding="utf-8",
    )  # fmt: skip

    # First pass: beds and rosters from the straight-line catchments, so the pack loads.
    sized = size_sites(sites[["site_id", "seh"]].copy(), _xy(sites), area_xy, population)
    _write_csv(_site_rows(sites, sized), out_dir / "sites.csv")
    post_rows = size_posts(
        posts[["post_id", "name", "availability"]].copy(), _xy(posts), area_xy, population
    )
    post_rows.insert(2, "lon", posts["lon"])
    post_rows.insert(3, "lat", posts["lat"])
    _write_csv(post_rows, out_dir / "ambulance_posts.csv")

    points = [(r.name, r.lon, r.lat, r.landmass) for r in areas.itertuples()]
    points += [(r.site_id, r.lon, r.lat, landmass_of(r.municipality)) for r in sites.itertuples()]
    points += [(r.post_id, r.lon, r.lat, landmass_of(r.municipality)) for r in posts.itertuples()]
    roads = road_features(points)
    (out_dir / "roads.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": roads}, ensure_ascii=False,
                   separators=(",", ":")).replace('},{"type"', '},\n{"type"')
        + "\n",
        encoding="utf-8",
    )  # fmt: skip
    per_hap = population.sum() / int(sites["hap"].sum())  # inhabitants per HAP [persons]
    (out_dir / "rosters.toml").write_text(roster_templates_toml(per_hap), encoding="utf-8")
    (out_dir / "region.toml").write_text(region_toml(sites), encoding="utf-8")

    # Second pass: size each SEH by the visits the simulation will send it (nearest SEH by
    # road, day-only hours, HAP triage of self-referrals), so that no SEH gets a roster for
    # far fewer patients than it receives.
    visits = expected_visits(out_dir)
    sized = size_sites_from_visits(
        sites[["site_id", "seh"]].copy(), np.array([visits[i] for i in sites["site_id"]])
    )
    _write_csv(_site_rows(sites, sized), out_dir / "sites.csv")

    n_24_7 = int((sites["seh"] == "24/7").sum())
    n_hap_24_7 = int(sites.loc[sites["seh"] == "24/7", "hap"].sum())
    classes = Counter(road["properties"]["road_class"] for road in roads)  # type: ignore[index]
    return (
        f"municipalities {areas['municipality'].nunique()} in {len(areas)} areas, "
        f"population {int(population.sum()):,} "
        f"(CBS {CBS_TOTAL_2024_01_01:,}: {population.sum() / CBS_TOTAL_2024_01_01 - 1:+.2%})\n"
        f"SEH sites {len(sites)} ({n_24_7} 24/7, {len(sites) - n_24_7} day), "
        f"HAP on site {int(sites['hap'].sum())} ({n_hap_24_7} at 24/7 SEHs), "
        f"acute obstetrics {int(sites['av'].sum())}\n"
        f"ambulance posts {len(posts)}\n"
        f"rosters {dict(sorted(Counter(sized['roster']).items()))}\n"
        f"road graph: {len(NODES)} nodes, {len(route_edges())} edges, {len(CROSSINGS)} named "
        f"crossings; lines by class {dict(sorted(classes.items()))}"
    )


if __name__ == "__main__":
    print(main())
