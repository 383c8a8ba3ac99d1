module example.com/reorder

go 1.19
