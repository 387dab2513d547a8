from incidents.importers.cells import clean_text


def test_it_takes_off_the_quote_our_snapshots_put_before_a_formula():
    assert clean_text('\'=HYPERLINK("x")') == '=HYPERLINK("x")'
    assert clean_text("'-5 dB") == "-5 dB"


def test_it_keeps_a_quote_that_does_not_guard_a_formula():
    assert clean_text("'Tay' went rogue") == "'Tay' went rogue"
