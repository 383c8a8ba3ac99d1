; TypeScript definitions (the tsx queries are the same).  Capture names (read by
; embedmotion.parsing):
;   @definition.function / @definition.method / @definition.class   the fragment's node
;   @name                                                          its (unqualified) name
; Interfaces and enums count as classes.  `const f = () => ...` is captured at its
; variable_declarator; the fragment grows to the whole `const ...;` statement when it
; declares nothing else.  Decorators written before a method or class are part of it.

(function_declaration
  name: (identifier) @name) @definition.function

(generator_function_declaration
  name: (identifier) @name) @definition.function

(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

(class_declaration
  name: (type_identifier) @name) @definition.class

(abstract_class_declaration
  name: (type_identifier) @name) @definition.class

(interface_declaration
  name: (type_identifier) @name) @definition.class

(enum_declaration
  name: (identifier) @name) @definition.class

(variable_declarator
  name: (identifier) @name
  value: (class)) @definition.class

(method_definition
  name: [(property_identifier) (private_property_identifier) (computed_property_name)] @name) @definition.method

(public_field_definition
  name: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression)]) @definition.method
