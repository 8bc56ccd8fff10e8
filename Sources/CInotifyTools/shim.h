#ifndef DEVSERVE_CINOTIFYTOOLS_SHIM_H
#define DEVSERVE_CINOTIFYTOOLS_SHIM_H
#include <sys/inotify.h>
#include <inotifytools/inotifytools.h>
#endif
