# The Debian package nianbao_VERSION_amd64.deb (`cpack -G DEB` in a build tree, or scripts/package):
# the binary in /usr/bin, the rules in /usr/share/nianbao/rules, the unit in /lib/systemd/system,
# /etc/nianbao/nianbao.toml as a conffile, the man pages, and the copyright and changelog in
# /usr/share/doc/nianbao. The paths compiled into the binary, the unit and the config follow
# CMAKE_INSTALL_PREFIX, so a package is made only from a tree configured with the prefix /usr
# (scripts/build release and scripts/package do). Depends come from dpkg-shlibdeps; the tools the
# document readers call at run time are Recommends and Suggests. No maintainer scripts: the service
# is neither enabled nor started on install (it crawls government sites; the config comes first).
set(NIANBAO_DEB_MAINTAINER "nianbao maintainers <maintainers@nianbao.invalid>" CACHE STRING
    "The Maintainer field of the .deb")

install(FILES ${CMAKE_CURRENT_LIST_DIR}/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
set(changelog ${CMAKE_CURRENT_BINARY_DIR}/changelog.gz)
add_custom_command(
  OUTPUT ${changelog}
  COMMAND sh -c "gzip -9nc '${CMAKE_CURRENT_LIST_DIR}/changelog' > '${changelog}'"
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/changelog
  VERBATIM)
add_custom_target(changelog ALL DEPENDS ${changelog})
install(FILES ${changelog} DESTINATION ${CMAKE_INSTALL_DOCDIR})

# `cpack` packs a tree that is already built (scripts/package, scripts/build) instead of first
# building every target, tests included, through `preinstall`.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME nianbao)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${NIANBAO_DEB_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
# Absolute destinations (/etc/nianbao, /lib/systemd/system) go into the package, not the machine.
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "harvester of Chinese government annual-report statistics")
# The extended description only: CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY on the first line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "nianbao crawls the report columns of Chinese government sites politely and
extracts every number of the statistics tables of their information-disclosure
annual reports under stable field ids, checks the sum identities, and keeps
versioned snapshots in SQLite that can be diffed and exported as CSV.
.
It runs as the systemd service nianbao.service (not enabled on install;
configure /etc/nianbao/nianbao.toml first) and as a command-line tool.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${NIANBAO_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/nianbao/nianbao")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "poppler-utils")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS
    "libreoffice-writer-nogui, libreoffice-calc-nogui, tesseract-ocr, tesseract-ocr-chi-sim")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_LIST_DIR}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
include(CPack)
