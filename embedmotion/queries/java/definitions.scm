; Java definitions.  Capture names (read by embedmotion.parsing):
;   @definition.class / @definition.method   the fragment's node
;   @name                                    its (unqualified) name
; Interfaces, enums, records and annotation types count as classes; constructors
; are methods named like their class ("Point.Point").  Annotations are part of a
; method's node already.  Abstract and interface methods without a body are skipped.

(class_declaration
  name: (identifier) @name) @definition.class

(interface_declaration
  name: (identifier) @name) @definition.class

(enum_declaration
  name: (identifier) @name) @definition.class

(record_declaration
  name: (identifier) @name) @definition.class

(annotation_type_declaration
  name: (identifier) @name) @definition.class

(method_declaration
  name: (identifier) @name
  body: (block)) @definition.method

(constructor_declaration
  name: (identifier) @name) @definition.method

(compact_constructor_declaration
  name: (identifier) @name) @definition.method
