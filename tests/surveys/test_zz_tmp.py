def test_a(factory):
    factory.user()
