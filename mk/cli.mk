# The wirecraft CLI (tools/): the version string `wirecraft --version` prints. Included by
# the Makefile, which builds tools/*.c into $(B)/wirecraft and runs tests/cli/ in test-cli.

$(B)/obj/tools/main.o: CPPFLAGS += -DWC_VERSION=\"$(VERSION)\"
