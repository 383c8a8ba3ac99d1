; JavaScript definitions.  Capture names (read by embedmotion.parsing):
;   @definition.function / @definition.method / @definition.class   the fragment's node
;   @name                                                          its (unqualified) name
; `const f = () => ...` is captured at its variable_declarator; the fragment grows
; to the whole `const ...;` statement when it declares nothing else.

(function_declaration
  name: (identifier) @name) @definition.function

(generator_function_declaration
  name: (identifier) @name) @definition.function

(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

(class_declaration
  name: (identifier) @name) @definition.class

(variable_declarator
  name: (identifier) @name
  value: (class)) @definition.class

(method_definition
  name: [(property_identifier) (private_property_identifier) (computed_property_name)] @name) @definition.method

(field_definition
  property: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression)]) @definition.method
