; Python definitions.  Capture names (read by embedmotion.parsing):
;   @definition.function / @definition.class   the fragment's node
;   @name                                      its (unqualified) name
; A decorated definition's fragment grows to cover its decorators, and a
; function directly inside a class body becomes kind "method" ("Class.method").

(function_definition
  name: (identifier) @name) @definition.function

(class_definition
  name: (identifier) @name) @definition.class
