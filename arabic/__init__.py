"""Arabic text layer of newsreader: pure Python, no Django imports.

Everything here works on plain ``str`` with offsets in Unicode code points, so it
can be tested directly and reused by the importer, the annotation services, the
suggesters and search alike.
"""
