"""A small corpus of incidents written for the relevance tests: each query below has one
incident that should come first, and decoys that share some of its words."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

FILLER = (
    "The council meeting covered the budget for parks, road repairs, library opening hours, "
    "a new bus timetable and the cost of street lighting. Residents asked about recycling, "
    "school crossings and a proposed festival in the summer. "
)


@dataclass
class CorpusReport:
    title: str
    text: str
    domain: str = "news.example.com"
    language: str = "en"
    kind: str = "incident_report"
    authors: tuple[str, ...] = ()
    published: datetime.date = datetime.date(2021, 3, 1)
    flagged: bool = False


@dataclass
class CorpusIncident:
    key: str
    title: str
    description: str
    date: datetime.date
    reports: list[CorpusReport] = field(default_factory=list)
    deployers: tuple[str, ...] = ()


INCIDENTS: list[CorpusIncident] = [
    CorpusIncident(
        "detroit_arrest",
        "Facial recognition match leads to wrongful arrest of a Detroit man",
        "Police arrested a man after a facial recognition system wrongly matched his driving "
        "licence photo to surveillance footage of a shoplifter.",
        datetime.date(2020, 1, 9),
        [
            CorpusReport(
                "Wrongfully arrested because of a flawed face recognition match",
                "Detroit police arrested him in front of his family. The facial recognition "
                "software had matched a blurry image to his photo.",
                domain="nytimes.com",
                authors=("Kashmir Hill",),
                published=datetime.date(2020, 6, 24),
            )
        ],
        deployers=("detroit-police-department",),
    ),
    CorpusIncident(
        "chatbot_suicide",
        "Chatbot conversations preceded a Belgian man's suicide",
        "A man took his own life after weeks of conversations with an AI chatbot that "
        "encouraged his anxieties about climate change.",
        datetime.date(2023, 3, 28),
        [
            CorpusReport(
                "Man dies by suicide after talking with AI chatbot, widow says",
                "His widow said the chatbot, named Eliza, encouraged him to sacrifice himself. "
                "The app's maker added a crisis intervention feature after the suicide.",
                domain="vice.com",
                published=datetime.date(2023, 3, 30),
            ),
            CorpusReport(
                "Un Belge se suicide après des conversations avec un chatbot",
                "La veuve accuse le chatbot Eliza. Suicide, climat, anxiété.",
                domain="lalibre.be",
                language="fr",
                published=datetime.date(2023, 3, 28),
            ),
        ],
        deployers=("chai-research",),
    ),
    CorpusIncident(
        "robocall_election",
        "Deepfake robocall imitating the president urged voters to skip the primary election",
        "An audio deepfake of the president's voice called voters before the New Hampshire "
        "primary election telling them not to vote.",
        datetime.date(2024, 1, 21),
        [
            CorpusReport(
                "Fake Biden robocall tells voters to skip the election",
                "The deepfake audio robocall reached thousands of voters before the election.",
                domain="nbcnews.com",
                published=datetime.date(2024, 1, 22),
            )
        ],
    ),
    CorpusIncident(
        "surrender_video",
        "Deepfake video shows the Ukrainian president calling for surrender",
        "A manipulated video of the president asking soldiers to lay down their arms spread "
        "on social media.",
        datetime.date(2022, 3, 16),
        [
            CorpusReport(
                "Deepfake of Zelensky surrender removed by Meta",
                "The deepfake video was crude and quickly debunked.",
                domain="bbc.co.uk",
                published=datetime.date(2022, 3, 17),
            )
        ],
    ),
    CorpusIncident(
        "tempe_pedestrian",
        "Self-driving test car kills a pedestrian in Tempe",
        "An autonomous test vehicle operated by Uber struck and killed a woman crossing the "
        "road at night.",
        datetime.date(2018, 3, 18),
        [
            CorpusReport(
                "Self-driving Uber car kills Arizona pedestrian",
                "The autonomous vehicle did not brake before hitting the pedestrian.",
                domain="nytimes.com",
                published=datetime.date(2018, 3, 19),
            )
        ],
        deployers=("uber",),
    ),
    CorpusIncident(
        "tesla_crash",
        "Tesla on Autopilot crashes into a parked fire truck",
        "A Tesla with its driver assistance engaged hit a stationary fire engine on a freeway.",
        datetime.date(2018, 1, 22),
        [
            CorpusReport(
                "Tesla in Autopilot mode hits fire truck",
                "The driver said the car was on Autopilot when it hit the truck.",
                domain="theverge.com",
                published=datetime.date(2018, 1, 23),
            )
        ],
        deployers=("tesla",),
    ),
    CorpusIncident(
        "hiring_bias",
        "Recruiting algorithm penalised women applicants",
        "An experimental hiring tool downgraded résumés that included the word women's, "
        "showing bias against women.",
        datetime.date(2018, 10, 10),
        [
            CorpusReport(
                "Amazon scraps secret AI recruiting tool that showed bias against women",
                "The hiring engine taught itself that male candidates were preferable.",
                domain="reuters.com",
                authors=("Jeffrey Dastin",),
                published=datetime.date(2018, 10, 10),
            )
        ],
        deployers=("amazon",),
    ),
    CorpusIncident(
        "tay_tweets",
        "Chatbot Tay posted racist tweets within a day of launch",
        "Users taught a Twitter chatbot to post racist and offensive tweets.",
        datetime.date(2016, 3, 24),
        [
            CorpusReport(
                "Microsoft chatbot Tay taken offline after racist tweets",
                "Trolls manipulated the chatbot into repeating offensive messages.",
                domain="theverge.com",
                published=datetime.date(2016, 3, 24),
            )
        ],
        deployers=("microsoft",),
    ),
    CorpusIncident(
        "rite_aid_shoppers",
        "Facial recognition in pharmacies falsely flagged shoppers as shoplifters",
        "A pharmacy chain's facial recognition system misidentified customers, mostly in "
        "neighbourhoods of colour.",
        datetime.date(2023, 12, 19),
        [
            CorpusReport(
                "Pharmacy banned from using facial recognition for five years",
                "The regulator said the facial recognition system produced thousands of false "
                "matches.",
                domain="reuters.com",
                published=datetime.date(2023, 12, 20),
            )
        ],
    ),
    CorpusIncident(
        "council_budget",
        "City council budget dispute over surveillance spending",
        "A long council meeting about the city budget.",
        datetime.date(2021, 5, 5),
        [
            CorpusReport(
                "Council minutes: budget session",
                (FILLER * 40)
                + "One councillor mentioned facial recognition once, and arrest statistics. "
                + (FILLER * 40)
                + "Facial recognition came up again in a question about arrest records. "
                + (FILLER * 40),
                domain="citynews.example.org",
                published=datetime.date(2021, 5, 6),
            )
        ],
    ),
    CorpusIncident(
        "quebec_screening",
        "Québec agency's screening algorithm rejected francophone applicants",
        "A résumé screening system at a Québec agency scored French-language applications lower.",
        datetime.date(2022, 9, 1),
        [
            CorpusReport(
                "L'algorithme de tri des CV d'une agence du Québec critiqué",
                "Les candidatures en français obtenaient de moins bons scores.",
                domain="ledevoir.com",
                language="fr",
                published=datetime.date(2022, 9, 2),
            )
        ],
    ),
    CorpusIncident(
        "fake_cases",
        "Lawyers cited fake cases invented by a chatbot",
        "Two lawyers submitted a brief citing court decisions that ChatGPT had made up.",
        datetime.date(2023, 5, 27),
        [
            CorpusReport(
                "Lawyers apologise for fake court citations from ChatGPT",
                "The judge sanctioned the lawyers for the invented cases.",
                domain="nytimes.com",
                published=datetime.date(2023, 5, 27),
                flagged=True,
            )
        ],
    ),
    CorpusIncident(
        "predictive_policing",
        "Predictive policing software targeted the same neighbourhoods",
        "A predictive policing algorithm sent patrols back to neighbourhoods with past "
        "arrests, reinforcing biased arrest patterns.",
        datetime.date(2019, 7, 1),
        [
            CorpusReport(
                "How predictive policing reinforces bias",
                "Arrest data fed the algorithm that sent more police to the same streets.",
                domain="theguardian.com",
                published=datetime.date(2019, 7, 2),
            )
        ],
    ),
]

# An issue: a report about a risk, with no incident.
ISSUE_REPORTS: list[CorpusReport] = [
    CorpusReport(
        "Generative AI deepfakes threaten elections worldwide",
        "Experts warn that deepfake audio and video could disrupt elections this year.",
        domain="bbc.co.uk",
        kind="issue",
        published=datetime.date(2024, 1, 5),
    )
]

# (query, key of the incident expected first)
EXPECTED_FIRST: list[tuple[str, str]] = [
    ("facial recognition arrest", "detroit_arrest"),
    ("chatbot suicide", "chatbot_suicide"),
    ("deepfake election", "robocall_election"),
    ("self-driving pedestrian", "tempe_pedestrian"),
    ("hiring bias against women", "hiring_bias"),
    ("racist tweets", "tay_tweets"),
    ('"facial recognition" -arrest', "rite_aid_shoppers"),
    ("autopilot fire truck", "tesla_crash"),
    ("fake court cases chatgpt", "fake_cases"),
    ("predictive policing", "predictive_policing"),
    ("quebec", "quebec_screening"),
    ("Québec résumé", "quebec_screening"),
]
# Typos: PostgreSQL offers the correction as a "did you mean" link (never runs it unasked);
# Elasticsearch tolerates them by fuzziness.
TYPO_EXPECTED_FIRST: list[tuple[str, str]] = [
    ("facial recogniton arest", "detroit_arrest"),
    ("chatbto suicde", "chatbot_suicide"),
]
