#ifndef SUIJI_CLIBXML2_SHIM_H
#define SUIJI_CLIBXML2_SHIM_H
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
#include <libxml/parser.h>
#endif
