; Go definitions.  Capture names (read by embedmotion.parsing):
;   @definition.function / @definition.method / @definition.class   the fragment's node
;   @name       its (unqualified) name
;   @receiver   a method's receiver type ("*Server", "List[T]"); the parser turns it
;               into the qualifier of the method's name: "Server.Start"
; Struct and interface types count as classes; a `type X struct {...}` fragment covers
; the whole declaration when it declares nothing else.

(function_declaration
  name: (identifier) @name) @definition.function

(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: (_) @receiver))
  name: (field_identifier) @name) @definition.method

(type_spec
  name: (type_identifier) @name
  type: [(struct_type) (interface_type)]) @definition.class
