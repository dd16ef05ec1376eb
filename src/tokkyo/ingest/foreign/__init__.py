"""Readers of the publication formats of other offices (EPO, USPTO, CNIPA, WIPO ST.96,
EPO DOCDB and OPS): one module per format, each producing the same `Publication` model
the JP gazette reader produces, over the safe XML parsing of `xmlsafe`."""
