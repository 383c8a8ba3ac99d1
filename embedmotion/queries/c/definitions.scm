; C definitions: functions with a body.  Capture names (read by embedmotion.parsing):
;   @definition.function   the function_definition
;   @name                  the declarator's identifier (also under `*` / `**` return types)
; Structs, declarations without a body and macros are not fragments.

(function_definition
  declarator: (function_declarator
    declarator: (identifier) @name)) @definition.function

(function_definition
  declarator: (pointer_declarator
    declarator: (function_declarator
      declarator: (identifier) @name))) @definition.function

(function_definition
  declarator: (pointer_declarator
    declarator: (pointer_declarator
      declarator: (function_declarator
        declarator: (identifier) @name)))) @definition.function
