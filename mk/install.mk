# install.mk - sharpsim as an installed program and library.
#
#   make install [PREFIX=/usr/local] [DESTDIR=]
#                     the binary, libsharpsim.a, libsharpsim.so.$(VERSION)
#                     (soname libsharpsim.so.MAJOR), the public header
#                     <sharpsim/sharpsim.h>, sharpsim.pc, the man page
#                     sharpsim(1) generated from the parameter table, and
#                     the presets, workloads, tile and technology tables and
#                     data under $(PREFIX)/share/sharpsim
#   make uninstall    removes what install wrote
#   make shared       build/libsharpsim.so.$(VERSION) and its links
#   make no-abs-paths the tracked files name no absolute or external path
#                     (tests/cli/no-abs-paths.sh states the rule)
#   make datadir-test runs from other directories find the same data
#   make install-test install into a temporary prefix, build and run
#                     examples/api_example.c against it (shared and static)
#   make counters-test --help-counters and run --describe-counters describe
#                     every counter a run reports
#
# The data directory is compiled into sim/common/datadir.o, so the objects
# follow PREFIX: a stamp file rebuilds that one object when PREFIX changes.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
LIBDIR   = $(PREFIX)/lib
INCDIR   = $(PREFIX)/include/sharpsim
DATADIR  = $(PREFIX)/share/sharpsim
MANDIR   = $(PREFIX)/share/man/man1
PCDIR    = $(LIBDIR)/pkgconfig

SO_MAJOR := $(firstword $(subst ., ,$(VERSION)))
SONAME   := libsharpsim.so.$(SO_MAJOR)
SOLIB    := $(BUILD)/libsharpsim.so.$(VERSION)
MANPAGE  := $(BUILD)/sharpsim.1
PCFILE   := $(BUILD)/sharpsim.pc
API_HDRS := include/sharpsim/sharpsim.h
# What share/sharpsim holds: everything a run can name by a relative path.
DATA_DIRS := configs workloads data

$(BUILD)/datadir.stamp: FORCE
	@mkdir -p $(dir $@)
	$(Q)echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@

$(BUILD)/obj/sim/common/datadir.o: $(BUILD)/datadir.stamp
$(BUILD)/obj/sim/common/datadir.o: CFLAGS += -DSHARPSIM_DATADIR='"$(DATADIR)"'

$(SOLIB): $(SIM_OBJS)
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LTO) -shared -Wl,-soname,$(SONAME) -o $@ $^ $(LDLIBS)
	$(Q)ln -sf $(notdir $@) $(BUILD)/$(SONAME)
	$(Q)ln -sf $(notdir $@) $(BUILD)/libsharpsim.so

$(MANPAGE): $(BIN)
	$(Q)$(BIN) --help-man > $@.tmp && mv $@.tmp $@

$(PCFILE): $(BUILD)/datadir.stamp mk/install.mk VERSION
	$(Q)printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(PREFIX)/include' \
		'datadir=$(DATADIR)' '' 'Name: sharpsim' \
		'Description: cycle-level simulator of SHARP-style RNN inference accelerators' \
		'Version: $(VERSION)' 'Requires.private: yaml-0.1 libprotobuf-c lapacke' 'Cflags: -I$${includedir}' \
		'Libs: -L$${libdir} -lsharpsim' 'Libs.private: -lm' > $@

.PHONY: install uninstall shared no-abs-paths datadir-test counters-test install-test FORCE
FORCE:

shared: $(SOLIB)

install: $(BIN) $(LIB) $(SOLIB) $(MANPAGE) $(PCFILE)
	@[ "$(V)" = 1 ] || echo "  INSTALL $(DESTDIR)$(PREFIX)"
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR) $(DESTDIR)$(PCDIR) \
		$(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)
	$(Q)install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/sharpsim
	$(Q)install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libsharpsim.a
	@# The installed archive carries machine code only: GCC's LTO bytecode
	@# is tied to this compiler's version and would replay our -Werror in a
	@# user's link.
	$(Q)objcopy --wildcard -R '.gnu.lto_*' -R '.gnu.debuglto_*' -N '__gnu_lto_*' \
		$(DESTDIR)$(LIBDIR)/libsharpsim.a
	$(Q)install -m 755 $(SOLIB) $(DESTDIR)$(LIBDIR)/
	$(Q)ln -sf $(notdir $(SOLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	$(Q)ln -sf $(notdir $(SOLIB)) $(DESTDIR)$(LIBDIR)/libsharpsim.so
	$(Q)install -m 644 $(API_HDRS) $(DESTDIR)$(INCDIR)/
	$(Q)install -m 644 $(PCFILE) $(DESTDIR)$(PCDIR)/sharpsim.pc
	$(Q)install -m 644 $(MANPAGE) $(DESTDIR)$(MANDIR)/sharpsim.1
	$(Q)for d in $(DATA_DIRS); do \
		find $$d -type f | \
		while read -r f; do install -D -m 644 "$$f" "$(DESTDIR)$(DATADIR)/$$f" || exit 1; done || exit 1; \
	done

uninstall:
	$(Q)rm -f $(DESTDIR)$(BINDIR)/sharpsim $(DESTDIR)$(LIBDIR)/libsharpsim.a \
		$(DESTDIR)$(LIBDIR)/libsharpsim.so $(DESTDIR)$(LIBDIR)/$(SONAME) \
		$(DESTDIR)$(LIBDIR)/libsharpsim.so.$(VERSION) $(DESTDIR)$(PCDIR)/sharpsim.pc \
		$(DESTDIR)$(MANDIR)/sharpsim.1 $(addprefix $(DESTDIR)$(INCDIR)/,$(notdir $(API_HDRS)))
	$(Q)rmdir $(DESTDIR)$(INCDIR) 2>/dev/null || true
	$(Q)rm -rf $(DESTDIR)$(DATADIR)

no-abs-paths:
	$(Q)bash tests/cli/no-abs-paths.sh --self-test

datadir-test: $(BIN)
	$(Q)bash tests/cli/datadir.sh $(BIN) $(DATADIR)

counters-test: $(BIN)
	$(Q)bash tests/cli/counters.sh $(BIN)

TEST_TARGETS += no-abs-paths datadir-test counters-test

install-test: $(BIN)
	$(Q)bash tests/install/install.sh "$(MAKE)"

TEST_TARGETS += install-test
