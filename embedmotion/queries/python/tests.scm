; Python tests, as pytest and unittest collect them.  Capture names:
;   @test   the test's function_definition (the same node the definitions query captures)
;   @name   its name
; pytest: module-level functions whose names start with "test", and such methods
; of classes whose names start with "Test".  unittest: methods starting with
; "test" of classes deriving from something called ...TestCase.

(module
  (function_definition
    name: (identifier) @name) @test
  (#match? @name "^test"))

(module
  (decorated_definition
    definition: (function_definition
      name: (identifier) @name) @test)
  (#match? @name "^test"))

(class_definition
  name: (identifier) @_class
  body: (block
    (function_definition
      name: (identifier) @name) @test)
  (#match? @_class "^Test")
  (#match? @name "^test"))

(class_definition
  name: (identifier) @_class
  body: (block
    (decorated_definition
      definition: (function_definition
        name: (identifier) @name) @test))
  (#match? @_class "^Test")
  (#match? @name "^test"))

(class_definition
  superclasses: (argument_list
    [(identifier) (attribute)] @_base)
  body: (block
    (function_definition
      name: (identifier) @name) @test)
  (#match? @_base "TestCase$")
  (#match? @name "^test"))

(class_definition
  superclasses: (argument_list
    [(identifier) (attribute)] @_base)
  body: (block
    (decorated_definition
      definition: (function_definition
        name: (identifier) @name) @test))
  (#match? @_base "TestCase$")
  (#match? @name "^test"))
