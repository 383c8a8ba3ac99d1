; C++ definitions.  Capture names (read by embedmotion.parsing):
;   @definition.function / @definition.class   the fragment's node
;   @name   its name as written; an out-of-class definition's qualified name
;           (`Foo::bar`, `ns::Foo<T>::operator==`) becomes "Foo.bar" / "ns.Foo.operator=="
;           and the fragment a method
; Classes and structs with a body count as classes; a function defined inside one is a
; method ("Foo.bar").  Namespaces do not qualify names.  A `template <...>` header is
; part of the fragment it introduces.

(function_definition
  declarator: (function_declarator
    declarator: (_) @name)) @definition.function

(function_definition
  declarator: (pointer_declarator
    declarator: (function_declarator
      declarator: (_) @name))) @definition.function

(function_definition
  declarator: (reference_declarator
    (function_declarator
      declarator: (_) @name))) @definition.function

(class_specifier
  name: (_) @name
  body: (field_declaration_list)) @definition.class

(struct_specifier
  name: (_) @name
  body: (field_declaration_list)) @definition.class
