# The TAXII 2.1 API over real loopback HTTP: server, router and TAXII service in process, over a
# store whose organizations, users, tokens and collections are made through the directory API.
tessera_test(taxii_api_test integration
  SOURCES taxii_api_test.cpp
  LIBS tessera_taxii tessera_policy tessera_http tessera_store Boost::headers Threads::Threads)
