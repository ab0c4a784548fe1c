#ifndef SUIJI_CLIBXML2_SHIM_H
#define SUIJI_CLIBXML2_SHIM_H
/* libxml2 is built with ICU support, and its encoding.h then includes the
 * system ICU headers, which clash with Foundation's private copy of ICU.
 * suiji never touches libxml2's encoding-handler structs, so hide ICU. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
#include <libxml/parser.h>
#endif
